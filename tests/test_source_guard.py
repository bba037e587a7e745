"""The guard in conftest.py can fail: a scan that changes its source fails the test it runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

INNER = '''
import datetime as dt
from pathlib import Path

from scanner import pipeline


def test_a_scan_that_writes_to_its_source(tmp_path, monkeypatch):
    src = tmp_path / "a.txt"
    src.write_text("秘密★1年\\n", encoding="utf-8")
    real = pipeline.extract_document

    def touching(path, read, options):
        with Path(path).open("a", encoding="utf-8") as fh:
            fh.write("x")
        return real(path, read, options)

    monkeypatch.setattr(pipeline, "extract_document", touching)
    pipeline.scan_file(src, pipeline.ScanOptions(as_of=dt.date(2026, 11, 22)))
'''


def test_guard_fails_a_scan_that_modifies_its_source(pytester: pytest.Pytester) -> None:
    support = Path(__file__).resolve().parent / "support"
    pytester.makeconftest(f"import sys\nsys.path.insert(0, {str(support)!r})\n"
                          "from source_guard import sources_untouched\n")
    pytester.makepyfile(test_inner=INNER)
    # a separate process: the inner scans must not pass through this test's own guard
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*a scan modified its source*"])
