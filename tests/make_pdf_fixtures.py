"""Regenerate ``tests/data/pdf_cases/`` and ``tests/data/doc_cases/``: the case table as
LibreOffice PDFs and Word binary (.doc) files, committed so the suite also runs where LibreOffice
is not installed. Run: ``python tests/make_pdf_fixtures.py``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "support"))

from builders import make_docx, to_doc, to_pdf  # noqa: E402
from cases import CASES  # noqa: E402


def main() -> None:
    for kind, convert in (("pdf", to_pdf), ("doc", to_doc)):
        out = HERE / "data" / f"{kind}_cases"
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob(f"*.{kind}"):
            old.unlink()
        with tempfile.TemporaryDirectory() as tmp:
            files = [make_docx(Path(tmp) / f"{c.id}.docx", c.spec) for c in CASES]
            convert(files, out)
        print(f"{len(CASES)} .{kind} files in {out}")


if __name__ == "__main__":
    main()
