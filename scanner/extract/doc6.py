"""Word 6.0 and Word 95 documents (nFib 101 to 105): the older File Information Block.

Word 6/95 keeps everything in the ``WordDocument`` stream (there is no table stream). Its FIB
(described with the Word 97 format as the "Word 6 FIB"; wvWare, antiword and LibreOffice's ww8
filter read it the same way) differs from Word 97's in where its fields lie:

- ``fcMin`` (0x18) and ``fcMac`` (0x1C): where the text starts and ends in the stream;
- the story lengths ``ccpText`` … ``ccpHdrTxbx`` at 0x34 … 0x50 (eight 32-bit counts);
- ``fcPlcfhdd`` (0xB0), ``fcDop`` (0x150) and ``fcClx`` (0x160), each with its length after it.

A file saved in full (``fComplex`` clear) holds its text as one run from ``fcMin``; a fast-saved
one (``fComplex`` set) has a piece table in the CLX, whose pieces are byte offsets into the
stream. Every character is one byte of the document's code page (a Chinese Word 95 stores GBK:
two bytes, and two character positions, per Chinese character), so stories are cut in bytes and
decoded one by one. The code page comes from the language of the file (``lid``) when it is a
Chinese, Japanese or Korean one, else from the summary information's code page, else GBK when
the text reads as GBK Chinese, else cp1252.

The header story is cut by ``PlcfHdd`` after the note separators the DOP counts; unlike Word
97's six entries a section, a Word 6 section has an entry only for each header and footer its
``sprmSGprfIhdt`` (in the SEPX that ``PlcfSed`` points to) says it has, in the order even
header, header, even footer, footer, first-page header, first-page footer. When a section's
properties cannot be walked (a modifier of unknown size), the entries left are read as headers.
Paragraph properties (alignment, table rows) are not read.
"""

from __future__ import annotations

import struct

import olefile

from markers import Block
from scanner.errors import UnsupportedFormat
from scanner.extract.oleprops import CODEPAGES
from scanner.extract.wordstory import STORIES, _damaged, _Out, _pieces, _u32

WORD6_NFIBS = range(0x65, 0x6A)  # 101 (Word 6.0) … 105 (Word 95)
FIB6_SIZE = 0x168
FC_MIN, FC_MAC = 0x18, 0x1C
CCP6 = {"text": 0x34, "ftn": 0x38, "hdd": 0x3C, "mcr": 0x40, "atn": 0x44, "edn": 0x48,
        "txbx": 0x4C, "hdrtxbx": 0x50}
FC_PLCFHDD6, FC_DOP6, FC_CLX6 = 0xB0, 0x150, 0x160
F_COMPLEX = 0x0004
FC_PLCFSED6, SPRM_GPRF_IHDT = 0x88, 153
HDD_KINDS6 = ((0x01, "header.even"), (0x02, "header.default"), (0x04, "footer.even"),
              (0x08, "footer.default"), (0x10, "header.first"), (0x20, "footer.first"))
# Operand sizes of Word 6's section property modifiers (-1: a size byte follows)
SEP_SPRM_SIZES = {131: 1, 132: 1, 133: -1, 136: 3, 137: 3, 138: 1, 139: 1, 140: 2, 141: 2,
                  142: 1, 143: 1, 144: 2, 145: 2, 146: 1, 147: 1, 148: 2, 149: 2, 150: 1,
                  151: 1, 152: 1, 153: 1, 154: 2, 155: 2, 156: 2, 157: 2, 158: 1, 159: 1,
                  160: 2, 161: 2, 162: 1, 163: 1, 164: 2, 165: 2, 166: 2, 167: 2, 168: 2,
                  169: 2, 170: 2, 171: 2}
# Languages whose Word 6/95 text is in a double-byte code page
LID_CODEPAGES = {0x0804: "cp936", 0x1004: "cp936", 0x0404: "cp950", 0x0C04: "cp950",
                 0x1404: "cp950", 0x0411: "cp932", 0x0412: "cp949"}
SINGLE_BYTE_DEFAULT = "cp1252"


def codepage_of(word: bytes, ole_codepage: object, raw: bytes = b"") -> str:
    """The codec of a Word 6/95 document's text (see the module's description); when neither
    the language nor the property set names one, text ``raw`` that reads as GBK Chinese is
    taken as GBK (a Chinese Word 95 whose language was left at English), else cp1252."""
    lid = struct.unpack_from("<H", word, 0x06)[0]
    if lid in LID_CODEPAGES:
        return LID_CODEPAGES[lid]
    if isinstance(ole_codepage, int):
        number = ole_codepage & 0xFFFF
        if number not in (1200, 1201, 65001):  # a Unicode page says nothing of 8-bit text
            name = CODEPAGES.get(number, f"cp{number}")
            try:
                "".encode(name)
            except LookupError:
                return SINGLE_BYTE_DEFAULT
            return name
    return "gbk" if _reads_as_gbk(raw) else SINGLE_BYTE_DEFAULT


def _reads_as_gbk(raw: bytes) -> bool:
    """Whether 8-bit text is GBK Chinese: it decodes without error and most of what is not
    ASCII is CJK ideographs or full-width punctuation."""
    try:
        text = raw[:200_000].decode("gbk")
    except UnicodeDecodeError:
        return False
    wide = [c for c in text if ord(c) > 0x7F]
    cjk = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
              or "\uff00" <= c <= "\uffef" or c == "★")
    return len(wide) >= 2 and cjk * 10 >= len(wide) * 8
def _story_bytes(word: bytes, flags: int, total: int) -> bytes:
    """Bytes 0..total of the document's character positions (one byte per position)."""
    if not flags & F_COMPLEX:
        fc_min, fc_mac = _u32(word, FC_MIN), _u32(word, FC_MAC)
        if fc_min < FIB6_SIZE or fc_min + total > len(word) or fc_mac < fc_min:
            raise _damaged("the text lies outside the document stream")
        return word[fc_min:fc_min + total]
    parts: list[bytes] = []
    for cp0, cp1, fc, _ in sorted(_pieces(word, _u32(word, FC_CLX6), _u32(word, FC_CLX6 + 4))):
        if cp1 <= cp0 or cp0 >= total:
            continue
        count = min(cp1, total) - cp0
        if fc + count > len(word):
            raise _damaged("a piece of text lies outside the document stream")
        parts.append(word[fc:fc + count])
    return b"".join(parts)


def _note_separators(word: bytes) -> int:
    """How many note separators open PlcfHdd: one for each of the low six bits of the DOP's
    ``grpfIhdt``."""
    fc, lcb = _u32(word, FC_DOP6), _u32(word, FC_DOP6 + 4)
    if lcb < 2 or fc + 2 > len(word):
        return 0
    return bin(word[fc + 1] & 0x3F).count("1")


def _entries(word: bytes, hdd: bytes) -> list[bytes] | None:
    """The header story's entries after the note separators, in PlcfHdd's order (None when
    PlcfHdd is missing or damaged)."""
    fc, lcb = _u32(word, FC_PLCFHDD6), _u32(word, FC_PLCFHDD6 + 4)
    if lcb < 8 or fc + lcb > len(word):
        return None
    cps = struct.unpack_from(f"<{min(lcb // 4, 10_000)}I", word, fc)
    return [hdd[a:b] if a < b <= len(hdd) else b""
            for a, b in zip(cps[_note_separators(word):-1], cps[_note_separators(word) + 1:],
                            strict=True)]


def _grpf_ihdt(word: bytes, fc: int) -> int | None:
    """Which headers and footers a section has (``sprmSGprfIhdt`` in its SEPX; 0 when the SEPX
    does not say), None when a property modifier of unknown size stands before it."""
    if fc + 2 > len(word):
        return None
    cb = struct.unpack_from("<H", word, fc)[0]
    grpprl = word[fc + 2:fc + 2 + cb]
    i = 0
    while i < len(grpprl):
        sprm = grpprl[i]
        size = SEP_SPRM_SIZES.get(sprm)
        if size is None or i + 1 >= len(grpprl):
            return None
        if sprm == SPRM_GPRF_IHDT:
            return grpprl[i + 1]
        i += 1 + (1 + grpprl[i + 1] if size < 0 else size)
    return 0


def _sections(word: bytes) -> list[int] | None:
    """``grpfIhdt`` of each section, from PlcfSed and the SEPXs (None when unreadable)."""
    fc, lcb = _u32(word, FC_PLCFSED6), _u32(word, FC_PLCFSED6 + 4)
    if lcb < 16 or fc + lcb > len(word) or (lcb - 4) % 16:
        return None
    n = (lcb - 4) // 16
    out = []
    for k in range(min(n, 1_000)):
        fc_sepx = struct.unpack_from("<I", word, fc + 4 * (n + 1) + 12 * k + 2)[0]
        flags = 0 if fc_sepx == 0xFFFFFFFF else _grpf_ihdt(word, fc_sepx)
        if flags is None:
            return None
        out.append(flags)
    return out


def _headers(word: bytes, hdd: bytes) -> list[tuple[str, bytes]]:
    """(label, text) of each header and footer: each section's ``grpfIhdt`` says which of the
    six it has, in PlcfHdd's order; when the sections cannot be read every entry is read as a
    header (the whole story as one when PlcfHdd cannot be read either)."""
    entries = _entries(word, hdd)
    if entries is None:
        return [("header.default", hdd)] if hdd.strip() else []
    sections = _sections(word)
    out: list[tuple[str, bytes]] = []
    k = 0
    for s, flags in enumerate(sections or []):
        for bit, kind in HDD_KINDS6:
            if flags & bit and k < len(entries):
                out.append((kind if s == 0 else f"{kind}{s + 1}", entries[k]))
                k += 1
    rest = [e for e in entries[k:] if e.strip(b"\r\x00 ")]
    out += [("header.default" if not out and n == 0 else f"header.more{n + 1}", e)
            for n, e in enumerate(rest)]
    return out


def read_word6(ole: olefile.OleFileIO, word: bytes, nfib: int) -> list[Block]:
    """The blocks of a Word 6/95 document whose ``WordDocument`` stream is ``word``, properties
    aside (older files, such as Word 2.0's, are refused with their nFib)."""
    if nfib not in WORD6_NFIBS:
        raise UnsupportedFormat(f"这是 Word 6.0 之前的文档格式（nFib 0x{nfib:04X}），暂不支持；"
                                "请另存为 .docx",
                                f"a Word document older than Word 6.0 (nFib 0x{nfib:04X}): not "
                                "supported (save it as .docx)")
    if len(word) < FIB6_SIZE:
        raise _damaged("the file information block is cut short")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    lengths = {k: _u32(word, at) for k, at in CCP6.items()}
    total = sum(lengths.values())
    if total > min(50_000_000, len(word)):
        raise _damaged("the story lengths are out of range")
    try:
        ole_codepage = ole.get_metadata().codepage
    except Exception:  # a damaged property set: the language still tells the code page
        ole_codepage = None
    raw = _story_bytes(word, flags, total)
    codec = codepage_of(word, ole_codepage, raw)
    stories: dict[str, bytes] = {}
    at = 0
    for key in STORIES:
        stories[key] = raw[at:at + lengths[key]]
        at += lengths[key]

    def text(b: bytes) -> str:
        return b.decode(codec, "replace")

    out = _Out()
    headers = _headers(word, stories["hdd"])
    for label, entry in headers:
        if label.startswith("header"):
            out.story(text(entry), label, "header")
    out.story(text(stories["text"]), "body", "body")
    for label, entry in headers:
        if label.startswith("footer"):
            out.story(text(entry), label, "footer")
    out.story(text(stories["ftn"]), "footnote", "body")
    out.story(text(stories["edn"]), "endnote", "body")
    out.story(text(stories["txbx"]), "textbox", "textbox")
    out.story(text(stories["hdrtxbx"]), "header.textbox", "header")
    return out.blocks
