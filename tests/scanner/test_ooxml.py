"""Reading package parts: the in-memory path gives exactly what the zipfile module gives, and
anything unusual or damaged goes to the zipfile module, which says what is wrong."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest
from builders import DocSpec, make_docx
from conftest import DATA_REAL, HAS_SHARED, SHARED
from isal import isal_zlib

from scanner.errors import ExtractError
from scanner.extract import ooxml
from scanner.extract.docx import extract_docx

REAL = SHARED / "corpus" / "real" if HAS_SHARED else DATA_REAL  # every real DOCX we have
DOCUMENT = "word/document.xml"


@pytest.fixture(params=[isal_zlib, zlib], ids=["isal", "zlib"])
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> object:
    """Both inflate libraries the reader can use (ISA-L, and zlib where ISA-L is missing)."""
    monkeypatch.setattr(ooxml, "inflate_lib", request.param)
    return request.param


class _Stream(io.RawIOBase):
    """A write-only stream that cannot seek: zipfile then writes data descriptors."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _rewrite(src: bytes, compression: int, *, stream: bool = False) -> bytes:
    """The package ``src`` written again with ``compression`` (and data descriptors when
    ``stream``)."""
    target: io.BytesIO | _Stream = _Stream() if stream else io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(target, "w", compression) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info), compress_type=compression)
    return bytes(target.data) if isinstance(target, _Stream) else target.getvalue()


def _packages(tmp_path: Path) -> dict[str, bytes]:
    made = make_docx(tmp_path / "made.docx", DocSpec(body=["秘密★1年", "正文" * 500],
                                                      header=["页眉"], title="标题"))
    base = made.read_bytes()
    packages = {"python-docx": base, "stored": _rewrite(base, zipfile.ZIP_STORED),
                "data descriptors": _rewrite(base, zipfile.ZIP_DEFLATED, stream=True)}
    for path in sorted(REAL.glob("*.docx")):
        packages[path.name] = path.read_bytes()
    return packages


def test_in_memory_parts_are_the_zipfile_modules_bytes(tmp_path: Path, inflater: object) -> None:
    packages = _packages(tmp_path)
    assert len(packages) > 3, "the real corpus has DOCX files"
    stream = zipfile.ZipFile(io.BytesIO(packages["data descriptors"]))
    assert all(info.flag_bits & 0x08 for info in stream.infolist())
    parts = 0
    for name, data in packages.items():
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                fast = ooxml._inflate_in_memory(zf, info)
                assert fast is not None, (name, info.filename)
                assert fast == zf.read(info), (name, info.filename)
                assert ooxml.read_part(zf, info.filename) == fast
                parts += 1
    assert parts > 30


def _damaged(data: bytes, change: str) -> bytes:
    """``data`` with its main part's compressed bytes, name or recorded size damaged."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(DOCUMENT)
    at = info.header_offset
    name_size = int.from_bytes(out[at + 26:at + 28], "little")
    extra_size = int.from_bytes(out[at + 28:at + 30], "little")
    body = at + 30 + name_size + extra_size
    if change == "bytes":
        middle = body + info.compress_size // 2
        out[middle:middle + 8] = bytes(b ^ 0x5A for b in out[middle:middle + 8])
    elif change == "name":
        out[at + 30:at + 30 + 4] = b"WORD"
    elif change == "size":  # the central directory under-declares the inflated size
        cd = _central_entry(data, DOCUMENT)
        size = int.from_bytes(out[cd + 24:cd + 28], "little")
        out[cd + 24:cd + 28] = (size - 100).to_bytes(4, "little")
    return bytes(out)


def _central_entry(data: bytes, name: str) -> int:
    """Where the central directory's header of part ``name`` starts."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        size = int.from_bytes(data[pos + 28:pos + 30], "little")
        if data[pos + 46:pos + 46 + size] == name.encode():
            return pos
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(f"{name} is not in the package")


@pytest.mark.parametrize("change", ["bytes", "name", "size"])
def test_damaged_parts_go_to_the_zipfile_module(tmp_path: Path, inflater: object,
                                                change: str) -> None:
    good = make_docx(tmp_path / "good.docx", DocSpec(body=["秘密★1年"] + ["正文内容。" * 40] * 50))
    bad = _damaged(good.read_bytes(), change)
    with zipfile.ZipFile(io.BytesIO(bad)) as zf:
        info = zf.getinfo(DOCUMENT)
        assert ooxml._inflate_in_memory(zf, info) is None
        with pytest.raises(ExtractError) as caught:
            ooxml.read_part(zf, DOCUMENT)
    assert "损坏" in caught.value.message_zh or "超过上限" in caught.value.message_zh
    path = tmp_path / "bad.docx"
    path.write_bytes(bad)
    with pytest.raises(ExtractError):
        extract_docx(path, bad)
