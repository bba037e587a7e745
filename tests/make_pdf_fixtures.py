"""Regenerate ``tests/data/pdf_cases/`` and ``tests/data/doc_cases/``: the case table as
LibreOffice PDFs and Word binary (.doc) files, committed so the suite also runs where LibreOffice
is not installed. Run: ``python tests/make_pdf_fixtures.py`` (the cases that have no file yet;
``--all`` remakes every file)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "support"))

from builders import make_docx, to_doc, to_pdf  # noqa: E402
from cases import CASES  # noqa: E402


def main() -> None:
    remake = "--all" in sys.argv[1:]
    for kind, convert in (("pdf", to_pdf), ("doc", to_doc)):
        out = HERE / "data" / f"{kind}_cases"
        out.mkdir(parents=True, exist_ok=True)
        if remake:
            for old in out.glob(f"*.{kind}"):
                old.unlink()
        cases = [c for c in CASES if remake or not (out / f"{c.id}.{kind}").exists()]
        if not cases:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            files = [make_docx(Path(tmp) / f"{c.id}.docx", c.spec) for c in cases]
            convert(files, out)
        print(f"{len(cases)} .{kind} files in {out}")


if __name__ == "__main__":
    main()
