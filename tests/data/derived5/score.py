#!/usr/bin/env python3
"""Score dingmi audit reports against the derived5 labels.

    python tests/data/derived5/score.py /tmp/d5/reports [--detail] [--strict]

Links are compared by (file, source); `by` agreement is counted over the links found in both.
Codes: only DERIVED_BELOW_SOURCE, DERIVED_ABOVE_SOURCE and SOURCE_DECLASSIFIED are scored, per file.
Fields: document_date, title, doc_number against truth.tsv (an empty label expects null/empty).

A label naming a mail file itself (`x.eml`) means the mail's body. Its report is looked for at
`x.eml.report.json`; without --strict, when that is absent, a single report of a text member of the
mail (`x.eml!<name>.txt`, the tool's body member) stands for it, and the resolution is printed.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODES = ["DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE", "SOURCE_DECLASSIFIED"]
SUFFIX = ".report.json"


def read_tsv(p):
    with open(p, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def norm_title(t):
    return re.sub(r"\s+", "", t or "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reports")
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("--strict", action="store_true", help="no fallback from x.eml to its body member")
    a = ap.parse_args()
    root = Path(a.reports)
    truth = read_tsv(HERE / "truth.tsv")
    gold_links = {(r["file"], r["source"]): r["by"] for r in read_tsv(HERE / "links.tsv")}

    reports = {}
    for p in root.rglob("*" + SUFFIX):
        rel = p.relative_to(root).as_posix()[: -len(SUFFIX)]
        reports[rel] = json.loads(p.read_text(encoding="utf-8"))

    # resolve label -> report key
    resolve, notes = {}, []
    for r in truth:
        f = r["file"]
        if f in reports:
            resolve[f] = f
        elif f.endswith(".eml") and not a.strict:
            body = [k for k in reports if k.startswith(f + "!") and k.lower().endswith(".txt")]
            if len(body) == 1:
                resolve[f] = body[0]
                notes.append(f"resolved {f} -> {body[0]}")
    back = {v: k for k, v in resolve.items()}
    missing = [r["file"] for r in truth if r["file"] not in resolve]
    extra = sorted(k for k in reports if k not in back)

    # links
    pred_links = {}
    for key, rep in reports.items():
        f = back.get(key, key)
        for ln in rep.get("links") or []:
            src = ln.get("relative")
            src = back.get(src, src)
            pred_links[(f, src)] = ln.get("by")
    tp = [k for k in pred_links if k in gold_links]
    fp = [k for k in pred_links if k not in gold_links]
    fn = [k for k in gold_links if k not in pred_links]
    by_ok = [k for k in tp if pred_links[k] == gold_links[k]]
    by_bad = [k for k in tp if pred_links[k] != gold_links[k]]

    # codes
    code_rows = {}
    code_miss = []
    for c in CODES:
        t_p = f_p = f_n = 0
        for r in truth:
            f = r["file"]
            want = c in [x for x in r["codes"].split(",") if x]
            rep = reports.get(resolve.get(f, ""), {})
            got = c in {x.get("code") for x in rep.get("findings") or []}
            if want and got:
                t_p += 1
            elif got:
                f_p += 1
                code_miss.append(f"FP {c}: {f}")
            elif want:
                f_n += 1
                code_miss.append(f"FN {c}: {f}")
        code_rows[c] = (t_p, f_p, f_n)

    # fields
    field_ok = {"document_date": 0, "title": 0, "doc_number": 0}
    field_miss = []
    for r in truth:
        f = r["file"]
        rep = reports.get(resolve.get(f, ""))
        if rep is None:
            for k in field_ok:
                field_miss.append(f"{k}: {f}: no report")
            continue
        got_date = rep.get("document_date") or ""
        got_title = rep.get("title") or ""
        got_num = rep.get("doc_number") or ""
        for k, want, got, eq in [
            ("document_date", r["date"], got_date, r["date"] == got_date[:10]),
            ("title", r["title"], got_title, norm_title(r["title"]) == norm_title(got_title)),
            ("doc_number", r["doc_number"], got_num, r["doc_number"] == got_num.strip()),
        ]:
            if eq:
                field_ok[k] += 1
            else:
                field_miss.append(f"{k}: {f}: want {want!r} got {got!r}")

    def pr(t, f_p, f_n):
        p = t / (t + f_p) if t + f_p else 1.0
        r = t / (t + f_n) if t + f_n else 1.0
        return p, r

    n = len(truth)
    print(f"documents labelled: {n}; reports: {len(reports)}; labelled without report: {len(missing)}")
    for x in notes:
        print("  " + x)
    print()
    print("| measure | tp | fp | fn | precision | recall |")
    print("|---|---|---|---|---|---|")
    p, r = pr(len(tp), len(fp), len(fn))
    print(f"| links (file+source) | {len(tp)} | {len(fp)} | {len(fn)} | {p:.3f} | {r:.3f} |")
    for c, (t_p, f_p, f_n) in code_rows.items():
        p, r = pr(t_p, f_p, f_n)
        print(f"| {c} | {t_p} | {f_p} | {f_n} | {p:.3f} | {r:.3f} |")
    print()
    print(f"| field | correct | of | accuracy |")
    print("|---|---|---|---|")
    print(f"| links `by` agreement | {len(by_ok)} | {len(tp)} | {len(by_ok) / len(tp) if tp else 1:.3f} |")
    for k, v in field_ok.items():
        print(f"| {k} | {v} | {n} | {v / n:.3f} |")

    if a.detail:
        print("\n## misses")
        for f in missing:
            print(f"NO REPORT: {f}")
        for k in extra:
            print(f"report not labelled: {k}")
        for k in sorted(fn):
            print(f"link FN: {k[0]} -> {k[1]} ({gold_links[k]})")
        for k in sorted(fp):
            print(f"link FP: {k[0]} -> {k[1]} ({pred_links[k]})")
        for k in sorted(by_bad):
            print(f"link by: {k[0]} -> {k[1]}: want {gold_links[k]} got {pred_links[k]}")
        for x in code_miss:
            print(x)
        for x in field_miss:
            print(x)
    return 0


if __name__ == "__main__":
    sys.exit(main())
