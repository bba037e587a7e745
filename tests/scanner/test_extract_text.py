"""Text files in every encoding a Chinese office produces, never garbled."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import ExtractError
from scanner.extract.text import decode, extract_text

SAMPLE = "000123\n机密★10年\n关于做好保密工作的通知\n知悉范围：本单位领导班子成员\n"


@pytest.mark.parametrize(("encoding", "prefix"), [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b""),
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
])
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(prefix + SAMPLE.encode(encoding))
    doc = extract_text(path)
    assert [b.text for b in doc.blocks] == [line for line in SAMPLE.split("\n") if line]


def test_undecodable_is_refused() -> None:
    with pytest.raises(ExtractError):
        decode(b"\xff\xff\xff\xfe\x81")
