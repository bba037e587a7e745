"""Fuzzing the extractors with mutated real files from ``../shared/corpus/real``: bytes flipped,
truncated, bytes inserted, parts removed from or emptied in the zip package. Whatever the input,
no exception escapes the per-file boundary: every input ends as a report with a status, and a
reason when it could not be read.

CI runs a bounded number of examples. The longer run documented in docs/robustness.md is
``DINGMI_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py -q``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import HAS_SHARED, SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.pipeline import ScanOptions, scan_file

REAL = SHARED / "corpus" / "real"
SOURCES = sorted(p for p in REAL.iterdir() if p.suffix in (".docx", ".pdf", ".txt", ".doc",
                                                          ".wps", ".ofd")) if HAS_SHARED else []
EXAMPLES = int(os.environ.get("DINGMI_FUZZ_EXAMPLES", "60"))
OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
DATA = {p.name: p.read_bytes() for p in SOURCES} or {"none.txt": b"x"}
pytestmark = pytest.mark.shared


def _rezip(data: bytes, drop: int | None, empty: int | None) -> bytes:
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        infos = src.infolist()
    except zipfile.BadZipFile:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for i, info in enumerate(infos):
            if drop is not None and i == drop % len(infos):
                continue
            body = b"" if empty is not None and i == empty % len(infos) else src.read(info)
            dst.writestr(info.filename, body)
    return out.getvalue()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(DATA)))
    data = bytearray(DATA[name])
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "drop_part", "empty_part",
                                 "flip_many"]))
    if kind in ("flip", "flip_many"):
        for _ in range(draw(st.integers(1, 3 if kind == "flip" else 200))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
    elif kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "insert":
        i = draw(st.integers(0, len(data)))
        data[i:i] = draw(st.binary(min_size=1, max_size=64))
    else:
        part = draw(st.integers(0, 50))
        data = bytearray(_rezip(bytes(data), part if kind == "drop_part" else None,
                                part if kind == "empty_part" else None))
    return name, bytes(data)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_real_files_always_end_as_a_report(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        report = scan_file(path, OPTIONS)
    assert report.status in ("ok", "unreadable", "unsupported")
    if report.status != "ok":
        assert report.reason_zh and report.reason_en
    assert report.source.sha256 is not None


def test_the_sources_cover_every_format() -> None:
    assert {p.suffix for p in SOURCES} >= {".docx", ".pdf", ".doc", ".wps", ".ofd"}
