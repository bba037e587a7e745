"""Password-protected Excel and PowerPoint binary files get a clear ``unreadable`` report saying
they are encrypted, in Chinese and in English: never a traceback, and never a pass on text that
is not there.

The .xls is one LibreOffice saved with an open password (tests/data/encrypted, remade by
tests/make_uno_fixtures.py: BIFF's FILEPASS record, RC4 CryptoAPI). LibreOffice saves a
.ppt without encryption whatever the password, so the encrypted .ppt is built from one it wrote,
following MS-PPT 2.3.7: the persist objects turned to cipher text, a CryptSession10Container
with its EncryptionInfo, a PersistDirectoryAtom and a UserEditAtom that names the encryption
session, and the CurrentUserAtom's header token for encrypted files."""

from __future__ import annotations

import datetime as dt
import random
import struct
import subprocess
import sys
from pathlib import Path

import olefile
import pytest
from builders import convert, soffice
from conftest import REPO, TESTS
from pptx import Presentation

from scanner.pipeline import ScanOptions, scan_file

OPTIONS = ScanOptions(as_of=dt.date(2026, 11, 22))
LOCKED_XLS = TESTS / "data" / "encrypted" / "locked.xls"


def _said_encrypted(path: Path) -> None:
    report = scan_file(path, OPTIONS)
    assert report.status == "unreadable", (report.status, report.reason_en)
    assert "encrypted" in (report.reason_en or ""), report.reason_en
    assert "加密" in (report.reason_zh or ""), report.reason_zh
    assert report.marks is None or report.marks.effective is None


def test_a_password_protected_xls_says_it_is_encrypted() -> None:
    with olefile.OleFileIO(str(LOCKED_XLS)) as ole:
        book = ole.openstream("Workbook").read()
    assert struct.pack("<HH", 0x002F, 54) in book[:200]  # FILEPASS right after BOF
    _said_encrypted(LOCKED_XLS)


def _record(typ: int, body: bytes, ver: int = 0) -> bytes:
    return struct.pack("<HHI", ver, typ, len(body)) + body


def _crypt_session() -> bytes:
    """A CryptSession10Container holding an RC4 CryptoAPI EncryptionInfo (MS-OFFCRYPTO)."""
    csp = "Microsoft Enhanced Cryptographic Provider v1.0\0".encode("utf-16-le")
    header = struct.pack("<IIiiIIII", 0x04, 0, 0x6801, 0x8004, 0x80, 1, 0, 0) + csp
    rng = random.Random(7)
    verifier = (struct.pack("<I", 16) + rng.randbytes(32) + struct.pack("<I", 20)
                + rng.randbytes(20))
    info = struct.pack("<HHII", 2, 2, 0x04, len(header)) + header + verifier
    return _record(0x2F14, info, ver=0xF)


def _encrypt(plain: Path, out: Path, *, token: bool) -> Path:
    """``plain`` (a .ppt LibreOffice wrote) as PowerPoint stores it when encrypted; ``token``:
    the CurrentUserAtom says so too (else only the UserEditAtom does)."""
    out.write_bytes(plain.read_bytes())
    with olefile.OleFileIO(str(out), write_mode=True) as ole:
        stream = ole.openstream("PowerPoint Document").read()
        user = bytearray(ole.openstream("Current User").read())
        crypt = _crypt_session()
        tail_size = len(crypt) + (8 + 12) + (8 + 0x20)
        cipher_size = len(stream) - tail_size
        key = random.Random(11).randbytes(cipher_size)
        cipher = bytes(a ^ b for a, b in zip(stream[:cipher_size], key, strict=True))
        crypt_at, directory_at = cipher_size, cipher_size + len(crypt)
        directory = _record(0x1772, struct.pack("<III", 1 | (2 << 20), 0, crypt_at))
        edit_at = directory_at + len(directory)
        edit = _record(0x0FF5, struct.pack("<IHBBIIIIHHI", 256, 0, 0, 3, 0, directory_at, 1, 3,
                                           1, 0, 2))
        data = cipher + crypt + directory + edit
        assert len(data) == len(stream)
        ole.write_stream("PowerPoint Document", data)
        if token:
            struct.pack_into("<I", user, 12, 0xF3D1C4DF)
        struct.pack_into("<I", user, 16, edit_at)
        ole.write_stream("Current User", bytes(user))
    return out


@pytest.fixture(scope="module")
def plain_ppt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("locked")
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = "机密★5年"
    slide.placeholders[1].text = "某项目进展汇报"
    prs.save(str(folder / "deck.pptx"))
    return convert([folder / "deck.pptx"], folder, "ppt")[0]


@pytest.mark.slow
@pytest.mark.parametrize("token", [True, False], ids=["current-user-token", "user-edit-only"])
def test_a_password_protected_ppt_says_it_is_encrypted(plain_ppt: Path, tmp_path: Path,
                                                       token: bool) -> None:
    report = scan_file(plain_ppt, OPTIONS)  # the plain file reads, with its mark
    assert report.marks is not None and report.marks.effective is not None
    _said_encrypted(_encrypt(plain_ppt, tmp_path / "locked.ppt", token=token))


@pytest.mark.slow
def test_the_cli_says_so_in_both_languages(plain_ppt: Path, tmp_path: Path) -> None:
    locked = _encrypt(plain_ppt, tmp_path / "汇报.dps", token=True)
    for lang, word in (("zh", "已加密"), ("en", "encrypted")):
        for path in (locked, LOCKED_XLS):
            done = subprocess.run([sys.executable, "-m", "scanner.cli", "check", str(path),
                                   "--lang", lang], capture_output=True, text=True, cwd=REPO,
                                  timeout=120, check=False)
            assert word in done.stdout, (lang, path.name, done.stdout)
            assert "Traceback" not in done.stdout + done.stderr
