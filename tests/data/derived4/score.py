"""Score dingmi audit reports against derived4's labels.

    python tests/data/derived4/score.py REPORTS_DIR [--detail]

REPORTS_DIR is the audit's reports folder (<out>/reports); each labelled file is read from
REPORTS_DIR/<file>.report.json.  Prints precision/recall of links (file+source), agreement of `by`
on the links found, precision/recall of the three derivation codes, and accuracy of document_date,
title and doc_number (exact after removing spaces).  --detail lists every miss.
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = ("DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE", "SOURCE_DECLASSIFIED")


def read_tsv(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def norm(s):
    return "".join((s or "").split())


def pr(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    rdir, detail = argv[0], "--detail" in argv
    truth = read_tsv("truth.tsv")
    links = read_tsv("links.tsv")
    exp_links = {(l["file"], l["source"]): l["by"] for l in links}
    misses = []
    reports = {}
    for t in truth:
        p = os.path.join(rdir, t["file"] + ".report.json")
        try:
            with open(p, encoding="utf-8") as f:
                reports[t["file"]] = json.load(f)
        except (OSError, ValueError) as e:
            reports[t["file"]] = {}
            misses.append(f"NO REPORT  {t['file']}: {e}")
    # links
    got_links = {}
    for fn, r in reports.items():
        for l in r.get("links") or []:
            rel = l.get("relative") or l.get("path") or ""
            got_links[(fn, rel)] = l.get("by", "")
    tp = set(exp_links) & set(got_links)
    fp = set(got_links) - set(exp_links)
    fnl = set(exp_links) - set(got_links)
    lp, lr = pr(len(tp), len(fp), len(fnl))
    by_ok = sum(1 for k in tp if got_links[k] == exp_links[k])
    for k in sorted(fp):
        misses.append(f"LINK extra    {k[0]} -> {k[1]} (by {got_links[k]})")
    for k in sorted(fnl):
        misses.append(f"LINK missing  {k[0]} -> {k[1]} (by {exp_links[k]})")
    for k in sorted(tp):
        if got_links[k] != exp_links[k]:
            misses.append(f"LINK by       {k[0]} -> {k[1]}: expected {exp_links[k]}, got {got_links[k]}")
    # codes
    code_stats = {}
    for c in CODES:
        ctp = cfp = cfn = 0
        for t in truth:
            exp = c in t["codes"].split(",")
            got = any(f.get("code") == c for f in reports[t["file"]].get("findings") or [])
            if exp and got:
                ctp += 1
            elif got:
                cfp += 1
                misses.append(f"CODE extra    {t['file']}: {c}")
            elif exp:
                cfn += 1
                misses.append(f"CODE missing  {t['file']}: {c}")
        code_stats[c] = (ctp, cfp, cfn)
    # fields
    field_ok = {"document_date": 0, "title": 0, "doc_number": 0}
    for t in truth:
        r = reports[t["file"]]
        for fld, key in (("document_date", "date"), ("title", "title"), ("doc_number", "doc_number")):
            got = norm(r.get(fld) or "")
            exp = norm(t[key])
            if fld == "document_date":
                got = got[:10]
            if got == exp:
                field_ok[fld] += 1
            else:
                misses.append(f"FIELD {fld:13s} {t['file']}: expected {t[key]!r}, got {r.get(fld)!r}")
    n = len(truth)
    print(f"documents: {n}, expected links: {len(exp_links)}, reported links: {len(got_links)}")
    print(f"| measure | value |\n|---|---|")
    print(f"| links precision | {lp:.3f} ({len(tp)}/{len(tp) + len(fp)}) |")
    print(f"| links recall | {lr:.3f} ({len(tp)}/{len(tp) + len(fnl)}) |")
    print(f"| `by` agreement on found links | {by_ok / len(tp) if tp else 1:.3f} ({by_ok}/{len(tp)}) |")
    for c, (a, b, d) in code_stats.items():
        p, r = pr(a, b, d)
        print(f"| {c} precision / recall | {p:.3f} / {r:.3f} (tp {a}, fp {b}, fn {d}) |")
    for fld, ok in field_ok.items():
        print(f"| {fld} accuracy | {ok / n:.3f} ({ok}/{n}) |")
    if detail:
        print("\nmisses:")
        for m in misses:
            print("  " + m)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
