"""Score an audit of derived2/docs against links.tsv and truth.tsv.

    dingmi audit tests/data/derived2/docs --out /tmp/d2 --as-of 2026-06-30
    python tests/data/derived2/score.py /tmp/d2 [--detail]

Links are compared as (derived, source) pairs of file names (by from reports' `links[].source`); codes
as (document, code) pairs from findings with "stage": "derived".
"""

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODES = ("DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE", "SOURCE_DECLASSIFIED")


def read_tsv(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"), strict=True)) for ln in lines[1:] if ln]


def prf(truth: set, found: set) -> tuple[float, float, int, int, int]:
    tp = len(truth & found)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, tp, len(found - truth), len(truth - found)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("audit_dir", type=Path)
    ap.add_argument("--detail", action="store_true", help="list every miss and false finding")
    args = ap.parse_args()

    truth_links = {(r["derived"], r["source"]): r for r in read_tsv(HERE / "links.tsv")}
    truth = read_tsv(HERE / "truth.tsv")
    names = {r["name"] for r in truth}
    truth_codes = {(r["name"], c) for r in truth for c in r["codes"].split(",") if c}

    found_links: dict[tuple[str, str], str] = {}
    found_codes: set[tuple[str, str]] = set()
    seen = set()
    for rp in sorted((args.audit_dir / "reports").glob("*.report.json")):
        rep = json.loads(rp.read_text(encoding="utf-8"))
        name = Path(rep["source"]["path"]).name
        seen.add(name)
        for lk in rep.get("links") or []:
            found_links[(name, Path(lk["source"]).name)] = lk.get("by", "")
        for f in rep.get("findings") or []:
            if f.get("stage") == "derived" and f["code"] in CODES:
                found_codes.add((name, f["code"]))
    missing = names - seen
    if missing:
        print(f"no report for {len(missing)} documents: {sorted(missing)[:5]}")

    kind = {r["name"]: r["kind"] for r in truth}
    # a copy-only link to a classified derived document (a 转发 or 汇编 holding the same passage as
    # the original, which the document also links to) is labelled too; shown apart
    via = {k for k, r in truth_links.items() if kind.get(k[1]) != "source" and r["by"] == "copy"}
    primary = set(truth_links) - via
    rows = [("links", *prf(set(truth_links), set(found_links))),
            ("links to originals", *prf(primary, set(found_links) - via)),
            ("links via derived docs", *prf(via, set(found_links) & via))]
    by_ok = sum(found_links[k] == truth_links[k]["by"] for k in set(truth_links) & set(found_links))
    for code in CODES:
        rows.append((code, *prf({t for t in truth_codes if t[1] == code},
                                {f for f in found_codes if f[1] == code})))
    print(f"{'':24} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for label, p, r, tp, fp, fn in rows:
        print(f"{label:24} {p:9.3f} {r:7.3f} {tp:4d} {fp:4d} {fn:4d}")
    both = len(set(truth_links) & set(found_links))
    print(f"`by` agrees on {by_ok} of {both} links found")

    if args.detail:
        for k in sorted(set(truth_links) - set(found_links)):
            print("MISSED LINK ", k[0], "->", k[1], truth_links[k]["by"], truth_links[k]["edit"])
        for k in sorted(set(found_links) - set(truth_links)):
            print("FALSE LINK  ", k[0], "->", k[1], found_links[k])
        for k in sorted(set(truth_links) & set(found_links)):
            if found_links[k] != truth_links[k]["by"]:
                print("BY DIFFERS  ", k[0], "->", k[1], "truth", truth_links[k]["by"],
                      "found", found_links[k])
        for k in sorted(truth_codes - found_codes):
            print("MISSED CODE ", *k)
        for k in sorted(found_codes - truth_codes):
            print("FALSE CODE  ", *k)


if __name__ == "__main__":
    main()
