"""Precision and recall of the derived-classification links and codes on the evaluation set
(tests/data/derived), as plain text, as DOCX (python-docx) and as PDF (LibreOffice from the
DOCX): the same documents must give the same links whatever the format.

Run: ``python bench/eval_derived.py [txt] [docx] [pdf]`` (default: all three; PDF needs
LibreOffice).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "derived"
CODES = ("DERIVED_BELOW_SOURCE", "DERIVED_ABOVE_SOURCE", "SOURCE_DECLASSIFIED")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _docx(folder: Path) -> Path:
    from docx import Document  # noqa: PLC0415

    out = folder / "docx"
    out.mkdir()
    for f in sorted((DATA / "docs").glob("*.txt")):
        d = Document()
        for line in f.read_text(encoding="utf-8").splitlines():
            d.add_paragraph(line)
        d.save(str(out / f"{f.stem}.docx"))
    return out


def _pdf(folder: Path, docx: Path) -> Path:
    out = folder / "pdf"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed for the PDF set")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    *map(str, sorted(docx.glob("*.docx")))], check=True,
                   capture_output=True, timeout=1800)
    return out


def _score(folder: Path, work: Path, name: str) -> None:
    out = work / f"out-{name}"
    subprocess.run([sys.executable, "-m", "scanner.cli", "audit", str(folder), "--out", str(out),
                    "--as-of", "2026-06-30"], check=True, capture_output=True, cwd=REPO)
    reports = {}
    for f in (out / "reports").glob("*.report.json"):
        r = json.loads(f.read_text(encoding="utf-8"))
        reports[Path(r["source"]["path"]).stem] = r
    truth = {(r["derived"], r["source"]) for r in _rows("links.tsv")}
    got = {(n, Path(link["source"]).stem) for n, r in reports.items()
           for link in r.get("links", [])}
    lines = [("links", truth, got)]
    for code in CODES:
        lines.append((code, {r["name"] for r in _rows("truth.tsv")
                             if code in r["codes"].split(",")},
                      {n for n, r in reports.items()
                       if any(f["code"] == code and f.get("stage") == "derived"
                              for f in r["findings"])}))
    for what, t, g in lines:
        hit = len(t & g)
        print(f"{name:5} {what:22} precision {hit / max(len(g), 1):.2f} ({hit}/{len(g)})  "
              f"recall {hit / max(len(t), 1):.2f} ({hit}/{len(t)})")


def main(argv: list[str]) -> None:
    wanted = argv or ["txt", "docx", "pdf"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "txt" in wanted:
            _score(DATA / "docs", work, "txt")
        if "docx" in wanted or "pdf" in wanted:
            docx = _docx(work)
            if "docx" in wanted:
                _score(docx, work, "docx")
            if "pdf" in wanted:
                _score(_pdf(work, docx), work, "pdf")


if __name__ == "__main__":
    main(sys.argv[1:])
