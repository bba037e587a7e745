#!/usr/bin/env python3
"""Score dingmi audit reports against derived3 labels.

usage: python tests/data/derived3/score.py REPORTS_DIR [--detail]
REPORTS_DIR is the audit --out folder (or its reports/ subfolder).
"""
import csv
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = ["DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE", "SOURCE_DECLASSIFIED"]


def read_tsv(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def norm(s):
    return re.sub(r"\s+", "", s or "")


def pr(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    root = argv[0]
    detail = "--detail" in argv
    rep_dir = os.path.join(root, "reports") if os.path.isdir(os.path.join(root, "reports")) else root
    truth = read_tsv("truth.tsv")
    links = read_tsv("links.tsv")
    reports, missing = {}, []
    for row in truth:
        p = os.path.join(rep_dir, row["file"] + ".report.json")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                reports[row["file"]] = json.load(f)
        else:
            missing.append(row["file"])
            reports[row["file"]] = {}

    misses = []
    # links
    exp = {(l["file"], l["source"]): l["by"] for l in links}
    got = {}
    for fn, rep in reports.items():
        for l in rep.get("links") or []:
            src = (l.get("relative") or "").replace("\\", "/")
            got[(fn, src)] = l.get("by")
    tp = [k for k in exp if k in got]
    fp = [k for k in got if k not in exp]
    fn_ = [k for k in exp if k not in got]
    by_ok = [k for k in tp if got[k] == exp[k]]
    lp, lr = pr(len(tp), len(fp), len(fn_))
    table = [("links", len(tp), len(fp), len(fn_), lp, lr)]
    for k in fn_:
        misses.append(("link missed", k[0], f"link to {k[1]} by {exp[k]}", "no such link"))
    for k in fp:
        misses.append(("link extra", k[0], f"no link to {k[1]}", f"link by {got[k]}"))
    for k in tp:
        if got[k] != exp[k]:
            misses.append(("link by", k[0], f"{k[1]} by {exp[k]}", f"by {got[k]}"))

    # codes
    for code in CODES:
        t = f = n = 0
        for row in truth:
            want = code in [c for c in row["codes"].split(",") if c]
            have = any(x.get("code") == code for x in reports[row["file"]].get("findings") or [])
            if want and have:
                t += 1
            elif have:
                f += 1
                misses.append((code + " extra", row["file"], "no such code", _why(reports[row["file"]], code)))
            elif want:
                n += 1
                misses.append((code + " missed", row["file"], "this code", _mark(reports[row["file"]])))
        p, r = pr(t, f, n)
        table.append((code, t, f, n, p, r))

    # date, title, doc_number
    acc = {}
    for field, key in (("date", "document_date"), ("title", "title"), ("doc_number", "doc_number")):
        ok = 0
        for row in truth:
            have = reports[row["file"]].get(key)
            if norm(have) == norm(row[field]):
                ok += 1
            else:
                misses.append((field, row["file"], row[field] or "(none)", have if have else "(none)"))
        acc[field] = ok

    print(f"documents: {len(truth)}  reports found: {len(truth) - len(missing)}")
    print(f"{'measure':24} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}")
    for name, t, f, n, p, r in table:
        print(f"{name:24} {t:4} {f:4} {n:4} {p:10.3f} {r:8.3f}")
    print(f"link `by` agreement: {len(by_ok)}/{len(tp)} of found links")
    for field in ("date", "title", "doc_number"):
        print(f"{field} accuracy: {acc[field]}/{len(truth)} = {acc[field] / len(truth):.3f}"
              + ("  (extra)" if field == "doc_number" else ""))
    if missing:
        print("missing reports:", ", ".join(missing))
    if detail:
        print()
        for kind, fn, expected, got_ in sorted(misses):
            print(f"- [{kind}] {fn}: expected {expected}; report: {got_}")
    return 0


def _mark(rep):
    m = rep.get("marking") or {}
    m = m if isinstance(m, dict) else {}
    links = ", ".join(f"{l.get('relative')}({l.get('by')})" for l in rep.get("links") or []) or "none"
    codes = ", ".join(sorted({x.get("code") for x in rep.get("findings") or []})) or "none"
    return f"mark {m.get('raw')!r} level {m.get('level')!r}; links {links}; findings {codes}"


def _why(rep, code):
    for x in rep.get("findings") or []:
        if x.get("code") == code:
            msg = x.get("message") or x.get("detail") or ""
            return _mark(rep) + (f"; {str(msg)[:160]}" if msg else "")
    return _mark(rep)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
