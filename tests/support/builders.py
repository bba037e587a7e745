"""Real test documents: DOCX written by python-docx, PDF converted by LibreOffice.

python-docx cannot write custom properties, text boxes or simple fields; those are added to the
saved package as the XML Word itself writes.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pypdfium2 as pdfium
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
V_NS = 'xmlns:v="urn:schemas-microsoft-com:vml"'


@dataclass
class Para:
    """One body paragraph: text (or runs), alignment, strike-through."""

    text: str = ""
    runs: tuple[str, ...] = ()
    align: str | None = None
    strike: bool = False


@dataclass
class DocSpec:
    """What to put in a test DOCX."""

    body: list[str | Para] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    first_header: list[str] = field(default_factory=list)
    even_header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    lead_table: list[list[str]] = field(default_factory=list)  # a table opening the document
    textbox: list[str] = field(default_factory=list)
    simple_field: str | None = None
    title: str | None = None
    custom: dict[str, str] = field(default_factory=dict)


def _para(doc: docx.document.Document, item: str | Para) -> None:
    spec = item if isinstance(item, Para) else Para(text=item)
    p = doc.add_paragraph()
    for run_text in spec.runs or (spec.text,):
        run = p.add_run(run_text)
        if spec.strike:
            run.font.strike = True
    if spec.align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif spec.align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _fill(story: object, lines: list[str]) -> None:
    paragraphs = story.paragraphs  # type: ignore[attr-defined]
    paragraphs[0].text = lines[0]
    for line in lines[1:]:
        story.add_paragraph(line)  # type: ignore[attr-defined]


def make_docx(path: Path, spec: DocSpec) -> Path:
    """Write ``spec`` as a DOCX at ``path``."""
    doc = docx.Document()
    section = doc.sections[0]
    if spec.header:
        _fill(section.header, spec.header)
    if spec.first_header:
        section.different_first_page_header_footer = True
        _fill(section.first_page_header, spec.first_header)
    if spec.even_header:
        doc.settings.odd_and_even_pages_header_footer = True
        _fill(section.even_page_header, spec.even_header)
    if spec.footer:
        _fill(section.footer, spec.footer)
    if spec.textbox:
        _add_textbox(doc, spec.textbox)
    for item in spec.body:
        _para(doc, item)
    if spec.table:
        table = doc.add_table(rows=len(spec.table), cols=len(spec.table[0]))
        for r, row in enumerate(spec.table):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    if spec.lead_table:  # a 版头 laid out in a table, before every paragraph
        lead = doc.add_table(rows=len(spec.lead_table), cols=len(spec.lead_table[0]))
        for r, row in enumerate(spec.lead_table):
            for c, text in enumerate(row):
                lead.cell(r, c).paragraphs[0].add_run(text)  # "\n" in a run: a soft break
        doc.element.body.insert(0, lead._tbl)
    if spec.simple_field:
        p = doc.add_paragraph()
        p._p.append(parse_xml(
            f'<w:fldSimple {W_NS} w:instr=" DOCPROPERTY 密级 "><w:r><w:t>{spec.simple_field}'
            "</w:t></w:r></w:fldSimple>"))
    if spec.title:
        doc.core_properties.title = spec.title
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    if spec.custom:
        _add_custom_properties(path, spec.custom)
    return path


def _add_textbox(doc: docx.document.Document, lines: list[str]) -> None:
    paras = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in lines)
    xml = (f'<w:r {W_NS} {V_NS}><w:pict><v:shape style="width:200pt;height:60pt">'
           f"<v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    p = doc.add_paragraph()
    p._p.append(parse_xml(xml))


def _add_custom_properties(path: Path, props: dict[str, str]) -> None:
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{k}">'
        f"<vt:lpwstr>{v}</vt:lpwstr></property>" for i, (k, v) in enumerate(props.items(), 2))
    custom = (f'<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="{ns}" '
              f'xmlns:vt="{vt}">{items}</Properties>')
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>'))
            if info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>'))
            dst.writestr(info, data)
        dst.writestr("docProps/custom.xml", custom.encode("utf-8"))
    tmp.replace(path)


def soffice() -> str | None:
    """The LibreOffice binary, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    """Convert DOCX files to PDF with LibreOffice (one process for all)."""
    return convert(files, outdir, "pdf")


def to_doc(files: list[Path], outdir: Path) -> list[Path]:
    """Convert DOCX files to the Word binary format with LibreOffice (one process for all)."""
    return convert(files, outdir, "doc")


def convert(files: list[Path], outdir: Path, fmt: str) -> list[Path]:
    """Convert files with LibreOffice to ``fmt`` (pdf, doc), one process for all."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
             fmt, "--outdir", str(outdir), *map(str, files)],
            check=True, capture_output=True, timeout=600)
    out = [outdir / (f.stem + "." + fmt) for f in files]
    missing = [p for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not produce {missing}")
    return out


def page_pixels(pdf_path: Path, dpi: int = 150) -> tuple[bytes, int, int]:
    """Page 1 of a PDF rendered by pdfium: RGB bytes, width, height."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[0].render(scale=dpi / 72).to_numpy()[:, :, 2::-1]  # BGRA -> RGB
    finally:
        pdf.close()
    return image.tobytes(), int(image.shape[1]), int(image.shape[0])


def write_png(path: Path, rgb: bytes, width: int, height: int) -> Path:
    """An 8-bit RGB PNG (what a scanner writes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return path


def write_scanned_pdf(path: Path, rgb: bytes, width: int, height: int) -> Path:
    """A one-page PDF that is only a picture (no text layer), as a scanner makes."""
    data = zlib.compress(rgb, 6)
    draw = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            b"<< /Length " + str(len(draw)).encode() + b" >>\nstream\n" + draw + b"\nendstream",
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
            f"/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"]
    path.write_bytes(pdf_bytes(objs))
    return path


def pdf_bytes(objects: list[bytes], *, xref: bool = True, root: int = 1) -> bytes:
    """A PDF file of ``objects`` (numbered from 1); ``xref=False`` writes wrong offsets (a
    damaged cross-reference table)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        value = off if xref else (off * 7 + 13) % 999_999
        out += f"{value:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{start}\n"
            "%%EOF\n").encode()
    return bytes(out)
