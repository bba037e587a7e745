"""The readers of issue 24 against the libraries that could replace them, on generated files.

Run: ``python bench/bench_office.py [--rows 20000] [--repeat 3]``. It writes a workbook with
openpyxl (one sheet of ``rows`` rows by 8 columns of Chinese text and numbers, and a small
second sheet), converts it to .xls with LibreOffice when installed, a presentation with
python-pptx (60 slides), and an RTF file with LibreOffice, then times:

- .xlsx: dingmi's lxml reader (scanner.extract.sheet) versus openpyxl's read-only mode;
- .xls: xlrd (the only maintained BIFF reader on PyPI) through dingmi's reader;
- .pptx: dingmi's lxml reader (scanner.extract.slides) versus python-pptx;
- .rtf: dingmi's reader (scanner.extract.rtf) versus striprtf, when installed (a 3,000-paragraph
  RTF written by LibreOffice Writer).

Each figure is the best of ``repeat`` runs; the text each side read is compared by characters.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    out: object = None
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def make_workbook(path: Path, rows: int) -> None:
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["机密★5年"])
    ws.append(["序号", "项目名称", "承担单位", "负责人", "经费", "起止", "密级", "备注"])
    for i in range(rows):
        ws.append([i, f"某型装备研制项目{i}", "某研究所", "张三", i * 1.5, "2024-2026", "秘密",
                   "按计划推进"])
    small = wb.create_sheet("说明")
    small.append(["本表仅供内部使用"])
    wb.save(str(path))


def openpyxl_text(path: Path) -> int:
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += sum(len(str(v)) for v in row if v is not None)
    wb.close()
    return n


def make_presentation(path: Path, slides: int) -> None:
    from pptx import Presentation  # noqa: PLC0415

    prs = Presentation()
    for i in range(slides):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"第{i + 1}部分 某项目进展汇报"
        body = slide.placeholders[1].text_frame
        body.text = "一、总体进展顺利"
        for k in range(8):
            body.add_paragraph().text = f"{k + 1}. 某分系统完成联调测试，指标满足要求。"
    prs.save(str(path))


def pptx_text(path: Path) -> int:
    from pptx import Presentation  # noqa: PLC0415

    n = 0
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                n += sum(len(p.text) for p in shape.text_frame.paragraphs)
    return n


def chars(doc: object) -> int:
    return sum(len(b.text.replace("\t", "")) for b in doc.blocks  # type: ignore[attr-defined]
               if b.region != "props")


def main() -> None:
    from scanner.extract import sheet  # noqa: PLC0415
    from scanner.extract.sheet import extract_xls, extract_xlsx  # noqa: PLC0415
    from scanner.extract.slides import extract_pptx  # noqa: PLC0415

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sheet.MAX_ROWS = sheet.MAX_CELLS = 10**9  # the whole sheet, as the libraries read it
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "book.xlsx"
        make_workbook(book, args.rows)
        print(f"workbook: {args.rows} rows x 8 columns, {book.stat().st_size // 1024} KB")
        t, doc = best(lambda: extract_xlsx(book), args.repeat)
        print(f"  xlsx lxml (dingmi)      {t:.3f} s  {chars(doc)} chars")
        t, n = best(lambda: openpyxl_text(book), args.repeat)
        print(f"  xlsx openpyxl read-only {t:.3f} s  {n} chars")
        soffice = shutil.which("soffice")
        if soffice:
            subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile",
                            "--headless", "--convert-to", "xls", "--outdir", str(folder),
                            str(book)], check=True, capture_output=True, timeout=600)
            xls = folder / "book.xls"
            t, doc = best(lambda: extract_xls(xls), args.repeat)
            print(f"  xls xlrd (dingmi)       {t:.3f} s  {chars(doc)} chars "
                  f"({xls.stat().st_size // 1024} KB)")
        deck = folder / "deck.pptx"
        make_presentation(deck, 60)
        t, doc = best(lambda: extract_pptx(deck), args.repeat)
        print(f"presentation: 60 slides\n  pptx lxml (dingmi)      {t:.3f} s  {chars(doc)} chars")
        t, n = best(lambda: pptx_text(deck), args.repeat)
        print(f"  pptx python-pptx        {t:.3f} s  {n} chars")
        if soffice:
            rtf_bench(folder, soffice, args.repeat)


def rtf_bench(folder: Path, soffice: str, repeat: int) -> None:
    import docx  # noqa: PLC0415

    from scanner.extract.rtf import extract_rtf  # noqa: PLC0415

    d = docx.Document()
    for i in range(3000):
        d.add_paragraph(f"第{i}条 某单位应当加强保密管理，严格控制知悉范围，做好定密工作。")
    d.save(str(folder / "long.docx"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "rtf", "--outdir", str(folder), str(folder / "long.docx")],
                   check=True, capture_output=True, timeout=600)
    rtf = folder / "long.rtf"
    t, doc = best(lambda: extract_rtf(rtf), repeat)
    print(f"rtf: 3000 paragraphs, {rtf.stat().st_size // 1024} KB\n"
          f"  rtf own reader (dingmi) {t:.3f} s  {chars(doc)} chars")
    try:
        from striprtf.striprtf import rtf_to_text  # noqa: PLC0415
    except ImportError:
        print("  striprtf not installed")
        return
    text = rtf.read_text("latin-1")
    t, out = best(lambda: rtf_to_text(text, encoding="cp936"), repeat)
    n = sum(len(line.strip()) for line in str(out).splitlines())
    print(f"  striprtf                {t:.3f} s  {n} chars")


if __name__ == "__main__":
    main()
