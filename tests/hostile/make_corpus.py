"""Generate the hostile and broken-file corpus (nothing of it is committed: every file is made
here).

Each case says what it is and what dingmi must report for it: the status and a word of the English
reason. Run ``python tests/hostile/make_corpus.py OUT`` to look at the files; the tests call
:func:`make_corpus` into a temporary folder.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path.insert(0, str(TESTS / "support"))

from builders import DocSpec, make_docx, pdf_bytes  # noqa: E402

REAL = TESTS / "data" / "real"  # copies of two files of the shared corpus
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MARK_DOC = REAL / "copilot_master_template.docx"
MARK_PDF = REAL / "copilot_master_template.pdf"


@dataclass(frozen=True)
class Case:
    """One hostile file: its name in the corpus, the status and a word of the reason expected."""

    name: str
    status: str
    reason: str  # a word the English reason contains ("" when the file is read normally)
    what: str  # what the file is, for docs/robustness.md


def _document_xml(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document xmlns:w="{W}"><w:body>'
            f"{body}</w:body></w:document>").encode()


def _docx_with(document: bytes, path: Path, *, declared: int | None = None) -> None:
    """A DOCX from python-docx whose word/document.xml is replaced by ``document``; with
    ``declared``, the part's recorded uncompressed size is forged (a zip bomb's promise)."""
    base = make_docx(path.with_suffix(".base.docx"), DocSpec(body=["正文"]))
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = document if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info, data)
    base.unlink()
    if declared is not None:
        _forge_size(path, "word/document.xml", declared)


def _forge_size(path: Path, part: str, size: int) -> None:
    raw = bytearray(path.read_bytes())
    name = part.encode()
    # local header: signature PK\3\4, uncompressed size at offset 22; central: PK\1\2, at 24
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = raw.find(sig)
        while i != -1:
            name_at = i + (30 if sig == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + len(name)] == name:
                raw[i + off:i + off + 4] = size.to_bytes(4, "little")
            i = raw.find(sig, i + 4)
    path.write_bytes(bytes(raw))


def _ratio_bomb(path: Path) -> None:
    """194 MB of one repeated run, compressed about 600:1 (above the 500:1 limit)."""
    run = f'<w:p><w:r><w:t>{"密" * 1000}</w:t></w:r></w:p>'
    body = run * 64_000  # about 200 MB of XML
    _docx_with(_document_xml(body), path)


def _billion_laughs(path: Path) -> None:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    doctype = f"<!DOCTYPE w:document [{''.join(ents)}]>"
    _docx_with(_document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", doctype), path)


def _external_entity(path: Path) -> None:
    doctype = ('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
               '<!ENTITY net SYSTEM "http://192.0.2.1/secret">]>')
    body = "<w:p><w:r><w:t>秘密★1年</w:t></w:r></w:p><w:p><w:r><w:t>&xxe;&net;</w:t></w:r></w:p>"
    _docx_with(_document_xml(body, doctype), path)


def _many_runs(path: Path) -> None:
    runs = "".join(f"<w:r><w:t>{'机密★10年'[i % 6]}</w:t></w:r>" for i in range(100_000))
    _docx_with(_document_xml(f"<w:p>{runs}</w:p>"), path)


def _deep_xml(path: Path) -> None:
    inner = "<w:p><w:r><w:t>秘密★1年</w:t></w:r></w:p>"
    opened = '<w:sdt><w:sdtContent>' * 400
    closed = "</w:sdtContent></w:sdt>" * 400
    _docx_with(_document_xml(opened + inner + closed), path)


def _encrypted_docx(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile  # noqa: PLC0415 - test extra

    plain = io.BytesIO(MARK_DOC.read_bytes())
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)


def _encrypted_pdf(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415 - test extra

    writer = PdfWriter(clone_from=PdfReader(MARK_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)


def _text_page(content: bytes) -> list[bytes]:
    stream = b"BT /F1 24 Tf 72 720 Td (" + content + b") Tj ET"
    return [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]


def _cyclic_pdf(path: Path) -> None:
    objs = _text_page(b"cyclic")
    objs[1] = b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"  # the tree contains itself
    path.write_bytes(pdf_bytes(objs))


def _broken_xref_pdf(path: Path) -> None:
    path.write_bytes(pdf_bytes(_text_page(b"broken xref"), xref=False))


def _many_pages_pdf(path: Path, pages: int = 5000) -> None:
    kids = " ".join(f"{i + 3} 0 R" for i in range(pages)).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages
    path.write_bytes(pdf_bytes(objs))


def _huge(path: Path, size: int = 300 * 1024 * 1024) -> None:
    """A 300 MB file (sparse: it costs no disk, but reads as 300 MB)."""
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(size)


def _random(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(8192)))


def _workbook(path: Path) -> None:
    import openpyxl  # noqa: PLC0415 - test extra

    wb = openpyxl.Workbook()
    wb.active["A1"] = "机密★5年"
    wb.active["A2"] = "某项目人员名单"
    wb.save(str(path))


def _deck(path: Path) -> None:
    from pptx import Presentation  # noqa: PLC0415 - test extra

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = "机密★5年"
    prs.save(str(path))


def _truncated_made(make: Callable[[Path], None], path: Path, fraction: float) -> None:
    make(path)
    _truncated(path, path, fraction)


def _encrypted_xlsx(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile  # noqa: PLC0415 - test extra

    plain = path.with_suffix(".plain")
    _workbook(plain)
    with plain.open("rb") as src, path.open("wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    plain.unlink()


def _sheet_bomb(path: Path) -> None:
    _workbook(path)
    _forge_size(path, "xl/worksheets/sheet1.xml", 4_000_000_000)


def _sheet_doctype(path: Path) -> None:
    base = path.with_suffix(".base")
    _workbook(base)
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
              "</sheetData></worksheet>")
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, laughs.encode() if info.filename.endswith("sheet1.xml") else data)
    base.unlink()


def _deep_rtf(path: Path) -> None:
    path.write_bytes(b"{\\rtf1 " + b"{" * 5000 + "机密★5年".encode("gb18030") + b"}" * 5000
                     + b"}")


def _truncated(src: Path, path: Path, fraction: float) -> None:
    data = src.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def make_corpus(out: Path) -> list[Case]:
    """Write every hostile file into ``out`` (a folder); returns the cases."""
    out.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, status: str, reason: str, what: str,
            make: Callable[[Path], None]) -> None:
        make(out / name)
        cases.append(Case(name, status, reason, what))

    add("zero.docx", "unreadable", "empty", "zero-byte file", lambda p: p.write_bytes(b""))
    add("zero.pdf", "unreadable", "empty", "zero-byte file", lambda p: p.write_bytes(b""))
    for frac in (0.01, 0.5, 0.98):
        add(f"truncated_{int(frac * 100)}.docx", "unreadable", "damaged",
            f"DOCX truncated at {frac:.0%}", lambda p, f=frac: _truncated(MARK_DOC, p, f))
    add("truncated_1.pdf", "unreadable", "damaged", "PDF truncated at 1%",
        lambda p: _truncated(MARK_PDF, p, 0.01))
    for frac in (0.5, 0.98):
        add(f"truncated_{int(frac * 100)}.pdf", "unreadable", "damaged",
            f"PDF truncated at {frac:.0%}", lambda p, f=frac: _truncated(MARK_PDF, p, f))
    add("zipbomb_declared.docx", "unreadable", "limit",
        "DOCX whose document part declares 4 GB",
        lambda p: _docx_with(_document_xml("<w:p/>"), p, declared=4_000_000_000))
    add("zipbomb_ratio.docx", "unreadable", "limit",
        "DOCX whose 194 MB document part compresses about 600:1", _ratio_bomb)
    add("billion_laughs.docx", "unreadable", "DOCTYPE",
        "DOCX with nested entity expansion (billion laughs)", _billion_laughs)
    add("external_entity.docx", "unreadable", "DOCTYPE",
        "DOCX with external entities (file:// and http://)", _external_entity)
    add("deep_xml.docx", "unreadable", "nest", "DOCX with XML nested 800 levels deep", _deep_xml)
    add("runs_100k.docx", "ok", "", "DOCX with 100,000 runs in one paragraph", _many_runs)
    add("encrypted.docx", "unreadable", "password", "password-protected DOCX (encrypted OLE "
        "package)", _encrypted_docx)
    add("encrypted.pdf", "unreadable", "encrypted", "encrypted PDF", _encrypted_pdf)
    add("cyclic_pages.pdf", "unreadable", "page", "PDF whose page tree contains itself",
        _cyclic_pdf)
    add("broken_xref.pdf", "ok", "", "PDF with a broken xref table (repaired by the parser)",
        _broken_xref_pdf)
    add("pages_5000.pdf", "unreadable", "limit", "PDF of 5,000 pages", _many_pages_pdf)
    add("huge_300mb.pdf", "unreadable", "limit", "300 MB file", _huge)
    add("pdf_named.docx", "unreadable", "PDF", "PDF named .docx",
        lambda p: shutil.copy(MARK_PDF, p))
    add("docx_named.pdf", "unreadable", "Word .docx", "DOCX named .pdf",
        lambda p: shutil.copy(MARK_DOC, p))
    for i, ext in enumerate((".docx", ".pdf", ".txt", ".md")):
        add(f"random{ext}", "unreadable", "binary", f"random bytes named {ext}",
            lambda p, s=i: _random(p, s))
    add("random.doc", "unreadable", "binary", "random bytes named .doc",
        lambda p: _random(p, 9))
    add("truncated_50.xlsx", "unreadable", "damaged", "XLSX truncated at 50%",
        lambda p: _truncated_made(_workbook, p, 0.5))
    add("truncated_50.pptx", "unreadable", "damaged", "PPTX truncated at 50%",
        lambda p: _truncated_made(_deck, p, 0.5))
    add("encrypted.xlsx", "unreadable", "password", "password-protected XLSX (encrypted OLE "
        "package)", _encrypted_xlsx)
    add("encrypted.xls", "unreadable", "encrypted", "password-protected XLS (BIFF FILEPASS, "
        "saved by LibreOffice)",
        lambda p: shutil.copy(TESTS / "data" / "encrypted" / "locked.xls", p))
    add("zipbomb_declared.xlsx", "unreadable", "limit", "XLSX whose sheet part declares 4 GB",
        _sheet_bomb)
    add("billion_laughs.xlsx", "unreadable", "DOCTYPE",
        "XLSX whose sheet declares nested entities (billion laughs)", _sheet_doctype)
    add("deep_groups.rtf", "unreadable", "nested", "RTF with groups nested 5,000 deep",
        _deep_rtf)
    for i, ext in enumerate((".xls", ".ppt", ".rtf")):
        add(f"random{ext}", "unreadable", "binary", f"random bytes named {ext}",
            lambda p, s=20 + i: _random(p, s))
    add("random.eml", "unreadable", "mail", "random bytes named .eml (opened as a mail)",
        lambda p: _random(p, 30))
    add("名字 有空格.docx", "ok", "", "file name with spaces",
        lambda p: shutil.copy(MARK_DOC, p))
    add("换行\n名字.docx", "ok", "", "file name with a newline",
        lambda p: shutil.copy(MARK_DOC, p))
    gbk = os.fsdecode("公文".encode("gbk") + b".docx")
    add(gbk, "ok", "", "file name in GBK bytes (not UTF-8)", lambda p: shutil.copy(MARK_DOC, p))
    bad = os.fsdecode(b"\xff\xfe\xb2\xbb.txt")
    add(bad, "ok", "", "file name of invalid UTF-8 bytes", lambda p: p.write_bytes(MARKED_TEXT))
    big5_name = os.fsdecode("機密".encode("cp950") + b".txt")
    add(big5_name, "ok", "", "file name in Big5 bytes", lambda p: p.write_bytes(MARKED_TEXT))
    add("pipe.txt", "unreadable", "not a regular file", "a FIFO (named pipe)", os.mkfifo)
    add("dev_zero.pdf", "unreadable", "not a regular file", "a link to /dev/zero",
        lambda p: p.symlink_to("/dev/zero"))
    add("cr_only.txt", "ok", "", "text with CR-only line ends (old Mac)",
        lambda p: p.write_bytes(MARKED_TEXT.replace(b"\n", b"\r")))
    add("big5.txt", "ok", "", "text in Big5",
        lambda p: p.write_bytes("000123\n機密★10年\n關於加強保密工作的通知\n".encode("cp950")))
    add("utf16_no_bom.txt", "ok", "", "UTF-16 LE text without a BOM",
        lambda p: p.write_bytes(MARKED_TEXT.decode().encode("utf-16-le")))
    add('=HYPERLINK("x","点我").docx', "ok", "",
        "a file name that is a spreadsheet formula", lambda p: shutil.copy(MARK_DOC, p))
    add("formula_title.docx", "ok", "", "a document whose title is a spreadsheet formula",
        lambda p: make_docx(p, DocSpec(body=["000123", "机密★10年", "正文"],
                                       title='=HYPERLINK("http://example.invalid","点我")')))
    add("billion_laughs.yaml", "unsupported", "not supported",
        "a YAML alias bomb (as a document: not read; as settings or a catalogue: refused, "
        "see tests/scanner/test_config.py and tests/rules/test_load.py)", _alias_bomb)
    # root reads any file: the unprivileged case is also run as nobody in test_bad_input.py
    as_root = os.geteuid() == 0
    add("no_read_permission.docx", "ok" if as_root else "unreadable",
        "" if as_root else "permission", "a file without read permission (mode 000)",
        _unreadable)
    add("link_loop_a.docx", "unreadable", "symbolic links", "symbolic links pointing at each "
        "other", _link_loop)
    cases.append(Case("link_loop_b.docx", "unreadable", "symbolic links",
                      "the other half of the link loop"))
    loop = out / "loop"
    loop.mkdir()
    (loop / "inner").symlink_to(loop, target_is_directory=True)  # a folder link to itself
    shutil.copy(MARK_DOC, loop / "in_loop_folder.docx")
    cases.append(Case("loop/in_loop_folder.docx", "ok", "",
                      "a file in a folder that links to itself (the link is not followed)"))
    return cases


MARKED_TEXT = "000123\n机密★10年\n关于加强保密工作的通知\n知悉范围：局领导\n2026年3月2日\n".encode()


def _alias_bomb(path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _unreadable(path: Path) -> None:
    shutil.copy(MARK_DOC, path)
    path.chmod(0)


def _link_loop(path: Path) -> None:
    other = path.with_name("link_loop_b.docx")
    path.symlink_to(other.name)
    other.symlink_to(path.name)


def main() -> None:
    out = Path(sys.argv[1])
    for case in make_corpus(out):
        print(f"{case.status:11} {case.reason:14} {case.name!r}: {case.what}")


if __name__ == "__main__":
    main()
