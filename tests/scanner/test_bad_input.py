"""Files that cannot be read get a report with a reason; the rest of the batch is scanned."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
import shutil
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from conftest import DATA_REAL, PDF_FIXTURES
from pypdf import PdfReader, PdfWriter

from scanner.cli import main
from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
REAL = DATA_REAL


def _encrypted_pdf(path: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(REAL / "copilot_master_template.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _bad_files(folder: Path) -> dict[str, tuple[str, str]]:
    """name → (status, a word the English reason must contain)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    (folder / "zero.docx").write_bytes(b"")
    data = (REAL / "copilot_master_template.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(data[: len(data) // 2])
    _encrypted_pdf(folder / "encrypted.pdf")
    shutil.copy(PDF_FIXTURES / "copy_ok.pdf", folder / "pdf_named.docx")
    shutil.copy(REAL / "copilot_master_template.docx", folder / "docx_named.pdf")
    (folder / "random.pdf").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (folder / "random.docx").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (folder / "notes.xyz").write_bytes(b"\x00\x01binary")
    return {
        "zero.docx": ("unreadable", "empty"),
        "truncated.docx": ("unreadable", "damaged"),
        "encrypted.pdf": ("unreadable", "encrypted"),
        "pdf_named.docx": ("unreadable", "PDF"),
        "docx_named.pdf": ("unreadable", "Word .docx"),
        "random.pdf": ("unreadable", "binary"),
        "random.docx": ("unreadable", "binary"),
        "notes.xyz": ("unsupported", "not supported"),
    }


def test_each_bad_file_has_a_clear_reason(tmp_path: Path) -> None:
    for name, (status, word) in _bad_files(tmp_path).items():
        report = scan_file(tmp_path / name, OPTIONS)
        assert report.status == status, (name, report.reason_en)
        assert word.lower() in (report.reason_en or "").lower(), (name, report.reason_en)
        assert report.reason_zh


def test_batch_continues_and_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    expected = _bad_files(src)
    make_docx(src / "good.docx", DocSpec(body=["000123", "机密★5年", "知悉范围：本局"]))
    out = tmp_path / "out"
    code = main(["scan", str(src), "--out", str(out), "--as-of", "2026-11-22"])
    assert code == 3
    for name, (status, _) in expected.items():
        report = json.loads((out / f"{name}.report.json").read_text(encoding="utf-8"))
        assert report["status"] == status
        assert report["reason"]
    good = json.loads((out / "good.docx.report.json").read_text(encoding="utf-8"))
    assert good["status"] == "ok" and good["marking"]["level"] == "机密"
    assert "Traceback" not in capsys.readouterr().err


def _scan_as_nobody(path: Path, queue: multiprocessing.Queue[str]) -> None:
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    report = scan_file(path, OPTIONS)
    queue.put(f"{report.status}|{report.reason_en}")


def test_missing_file(tmp_path: Path) -> None:
    gone = scan_file(tmp_path / "gone.docx", OPTIONS)
    assert gone.status == "unreadable" and "deleted" in (gone.reason_en or "")


def test_file_without_read_permission(tmp_path: Path) -> None:
    """Run by a user who may not read the file (root drops to nobody in a child process)."""
    locked = make_docx(tmp_path / "locked.docx", DocSpec(body=["正文"]))
    locked.chmod(0)
    queue: multiprocessing.Queue[str] = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_scan_as_nobody,
                                                        args=(locked, queue))
    child.start()
    status, reason = queue.get(timeout=60).split("|", 1)
    child.join(timeout=60)
    assert status == "unreadable" and "permission" in reason
