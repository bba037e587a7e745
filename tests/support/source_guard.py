"""The guard that every in-process scan of the suite leaves its source as it found it (an autouse
fixture, imported by tests/conftest.py)."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner import pipeline


def _snapshot(path: Path) -> tuple[str, int, int] | None:
    """(sha256 of the bytes, mtime in ns, mode) of a regular file; None for anything else."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:  # noqa: PTH123 - the path may hold any bytes
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest(), st.st_mtime_ns, st.st_mode


@pytest.fixture(autouse=True)
def sources_untouched(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every in-process scan of the suite is wrapped: the source's bytes, mtime and permissions
    are taken before the scan and compared after it (scans in worker processes and
    subprocesses are checked by tests/test_hostile.py)."""
    real = pipeline.scan_source
    changed: list[str] = []

    def checked(path: Path, options: pipeline.ScanOptions) -> pipeline.FileReport:
        before = _snapshot(path)
        result = real(path, options)
        if before is not None and _snapshot(path) != before:
            changed.append(str(path))
        return result

    monkeypatch.setattr(pipeline, "scan_source", checked)
    yield
    assert changed == [], f"a scan modified its source: {changed}"
