#!/usr/bin/env python3
"""Score dingmi on the formats24 held-out set.

    python tests/data/formats24/score.py [--detail] [--out DIR] [--reports DIR] [--timeout S]

Runs `python -m scanner.cli audit tests/data/formats24/docs --out OUT --as-of 2026-12-07` from
the repository root (unless --reports names the output folder of an audit already run), reads
the JSON report of every file (OUT/reports/<format>/<file>.report.json; a mail's body and
attachments are members with reports of their own, <file>!<member>.report.json) and compares
them with labels.tsv.

Per format: marked cases whose report gives the labelled level (found), the labelled mark text
exactly (raw, whitespace at the ends ignored), the labelled 份号 (of the cases that have one),
files not read (status other than ok, or no report) and tracebacks, marks invented on unmarked
files, and (informational) agreement on MARK_POSITION where the label says yes or no.
For a mail the reports of all its members count: the mark may stand in an attachment only.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FAMILIES = ["xlsx", "xls", "et", "pptx", "ppt", "dps", "rtf", "html", "mht", "eml"]
AS_OF = "2026-12-07"


def run_audit(out: Path, timeout: int) -> tuple[int, str]:
    cmd = [sys.executable, "-m", "scanner.cli", "audit", str(HERE.relative_to(ROOT) / "docs"),
           "--out", str(out), "--as-of", AS_OF]
    try:
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, f"audit did not finish within {timeout} s"
    return p.returncode, p.stdout + p.stderr


def reports_for(reports: Path, rel: str) -> list[tuple[str, dict]]:
    fam, name = rel.split("/", 1)
    folder = reports / fam
    found = []
    own = folder / (name + ".report.json")
    if own.is_file():
        found.append((name, json.loads(own.read_text(encoding="utf-8"))))
    for p in sorted(folder.glob(name + "!*.report.json")):
        found.append((p.name[: -len(".report.json")], json.loads(p.read_text(encoding="utf-8"))))
    return found


def marks_of(rep: dict) -> list[dict]:
    out = []
    if rep.get("marking"):
        out.append(rep["marking"])
    for m in rep.get("markings") or []:
        if m not in out:
            out.append(m)
    return out


def codes(rep: dict) -> list[str]:
    return [f.get("code", "") for f in rep.get("findings") or []]


def describe(reps: list[tuple[str, dict]]) -> str:
    if not reps:
        return "no report"
    parts = []
    for name, rep in reps:
        m = rep.get("marking") or {}
        s = f"{name}: status={rep.get('status')}"
        if m:
            s += f" mark={m.get('raw')!r} level={m.get('level')} at {m.get('location')} ({m.get('region')})"
        else:
            s += " no mark"
        if rep.get("copy_number"):
            s += f" 份号={rep['copy_number']}"
        reason = rep.get("reason_en") or rep.get("reason")
        if reason:
            s += f" reason={reason!r}"
        cs = codes(rep)
        if cs:
            s += " findings=" + ",".join(cs)
        parts.append(s)
    return " | ".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detail", action="store_true", help="list every miss")
    ap.add_argument("--out", type=Path, help="audit output folder (default: a temporary one)")
    ap.add_argument("--reports", type=Path, help="score an audit already run into this output folder")
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()

    labels = list(csv.DictReader((HERE / "labels.tsv").open(encoding="utf-8"), delimiter="\t"))
    tmp = None
    log = ""
    rc = None
    if args.reports:
        out = args.reports
    else:
        if args.out:
            out = args.out
        else:
            tmp = tempfile.TemporaryDirectory(prefix="formats24-audit-")
            out = Path(tmp.name) / "out"
        rc, log = run_audit(out, args.timeout)
        if rc == -1:
            print(log)
            return 2
    reports = out / "reports"
    if not reports.is_dir():
        print(f"no reports in {out} (audit exit {rc})\n{log}")
        return 2

    stats = {f: dict(marked=0, found=0, raw=0, copy_n=0, copy=0, unread=0, tb=0, unmarked=0, invented=0,
                     pos_n=0, pos=0) for f in FAMILIES}
    misses: list[str] = []
    for row in labels:
        fam = row["format"]
        st = stats[fam]
        reps = reports_for(reports, row["file"])
        unread = not reps or any(r.get("status") != "ok" for _, r in reps)
        tb = any("Traceback" in json.dumps(r, ensure_ascii=False) for _, r in reps)
        st["unread"] += unread
        st["tb"] += tb
        if unread or tb:
            misses.append(f"{row['file']}: NOT READ/TRACEBACK: {describe(reps)}")
        if row["marked"] == "yes":
            st["marked"] += 1
            cands = [(r, m) for _, r in reps for m in marks_of(r)]
            lvl = [(r, m) for r, m in cands if m.get("level") == row["level"]]
            raw = [(r, m) for r, m in lvl if (m.get("raw") or "").strip() == row["mark"]]
            found, exact = bool(lvl), bool(raw)
            st["found"] += found
            st["raw"] += exact
            problems = []
            if not found:
                problems.append("level not found")
            elif not exact:
                problems.append("raw differs")
            if row["copy_number"]:
                st["copy_n"] += 1
                best = (raw or lvl or [(r, None) for _, r in reps] or [({}, None)])[0][0]
                ok = best.get("copy_number") == row["copy_number"] or any(
                    r.get("copy_number") == row["copy_number"] for _, r in reps)
                st["copy"] += ok
                if not ok:
                    problems.append("份号 differs")
            if row["position_finding"] in ("yes", "no") and found:
                st["pos_n"] += 1
                has = any("MARK_POSITION" in codes(r) for r, _ in lvl)
                agree = has == (row["position_finding"] == "yes")
                st["pos"] += agree
                if not agree:
                    problems.append(f"MARK_POSITION {'missing' if not has else 'raised'} (informational)")
            if problems:
                misses.append(f"{row['file']} [{row['layout']}]: {'; '.join(problems)}: expected "
                              f"{row['level']} {row['mark']!r}" + (f" 份号 {row['copy_number']}" if row['copy_number'] else "")
                              + f"; report: {describe(reps)}")
        else:
            st["unmarked"] += 1
            inv = [(n, m) for n, r in reps for m in marks_of(r) if m.get("level")]
            if inv:
                st["invented"] += 1
                misses.append(f"{row['file']} [{row['layout']}]: INVENTED on an unmarked file; report: {describe(reps)}")

    print(f"formats24: {len(labels)} files, as of {AS_OF}" + (f", audit exit code {rc}" if rc is not None else ""))
    head = f"{'format':7} {'found':>7} {'raw':>7} {'份号':>6} {'unread':>7} {'tb':>3} {'invented':>9} {'position*':>10}"
    print(head)
    tot = {k: 0 for k in stats["xlsx"]}
    for f in FAMILIES:
        s = stats[f]
        for k in tot:
            tot[k] += s[k]
        print(f"{f:7} {s['found']:>4}/{s['marked']:<2} {s['raw']:>4}/{s['marked']:<2} {s['copy']:>3}/{s['copy_n']:<2} "
              f"{s['unread']:>7} {s['tb']:>3} {s['invented']:>6}/{s['unmarked']:<2} {s['pos']:>7}/{s['pos_n']:<2}")
    s = tot
    print(f"{'all':7} {s['found']:>4}/{s['marked']:<3}{s['raw']:>4}/{s['marked']:<3}{s['copy']:>2}/{s['copy_n']:<3}"
          f"{s['unread']:>6} {s['tb']:>3} {s['invented']:>6}/{s['unmarked']:<3}{s['pos']:>6}/{s['pos_n']:<3}")
    print("found: the labelled level in a report; raw: the mark text exactly as written; 份号: of the cases "
          "with one;\nunread: a report with a status other than ok, or none; tb: a traceback in a report; "
          "invented: a mark on an unmarked file;\n*position: MARK_POSITION raised exactly where the label "
          "expects one (yes/no labels, found marks; informational)")
    below = [f for f in FAMILIES if stats[f]["found"] < 24]
    print("target (≥ 24/25 found in each format, 0 invented): "
          + ("met" if not below and tot["invented"] == 0 else
             "not met" + (f" (below 24: {', '.join(below)})" if below else "")
             + (f" ({tot['invented']} invented)" if tot["invented"] else "")))
    if "Traceback" in log:
        print("the audit's own output holds a traceback:")
        print(log[log.index("Traceback"):][:3000])
    if args.detail:
        print(f"\n{len(misses)} misses:")
        for m in misses:
            print("- " + m)
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
