"""Remake the test files that need LibreOffice driven through UNO:

- tests/data/encrypted/locked.xls: a workbook LibreOffice saves with an open password (BIFF's
  FILEPASS record, RC4 CryptoAPI), holding the mark 机密★5年 that must not be read. (LibreOffice
  7.4 saves a .ppt without encryption whatever the password, so the encrypted .ppt of the tests
  is built from the documented record layout: tests/scanner/test_encrypted_office.py.)
- tests/data/embedded/objects.doc: a Word document whose body holds a title, a paragraph, an
  embedded spreadsheet (Excel object in ObjectPool) whose first cell is 机密★5年, and an
  embedded text document.

LibreOffice's ``--convert-to`` cannot pass a password, so this drives it through UNO: run with
the system Python that has LibreOffice's ``uno`` module (Debian: ``apt-get install python3-uno``):
``/usr/bin/python3 tests/make_uno_fixtures.py``. Tests read the files kept in the
repository; neither LibreOffice nor uno is needed to run them.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent / "data" / "encrypted"
PASSWORD = "dingmi"


def _prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


CALC, WRITER = "47BBB4CB-CE4C-4E80-a591-42d9ae74950f", "8BC6B165-B1B2-4EDD-aa47-dae2ee689dd6"


def _objects(desktop: object) -> None:
    hidden = (_prop("Hidden", True),)
    doc = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        "private:factory/swriter", "_blank", 0, hidden)
    text = doc.Text
    text.insertString(text.End, "关于某项目进展情况的报告", False)
    text.insertControlCharacter(text.End, 0, False)  # a paragraph break
    text.insertString(text.End, "现将项目进展情况报告如下。", False)
    text.insertControlCharacter(text.End, 0, False)
    sheet_object = doc.createInstance("com.sun.star.text.TextEmbeddedObject")
    sheet_object.CLSID = CALC
    text.insertTextContent(text.End, sheet_object, False)
    sheet = sheet_object.getEmbeddedObject().Sheets.getByIndex(0)
    sheet.getCellByPosition(0, 0).String = "机密★5年"
    sheet.getCellByPosition(0, 1).String = "项目人员名单"
    text.insertControlCharacter(text.End, 0, False)
    text_object = doc.createInstance("com.sun.star.text.TextEmbeddedObject")
    text_object.CLSID = WRITER
    text.insertTextContent(text.End, text_object, False)
    inner = text_object.getEmbeddedObject().Text
    inner.insertString(inner.End, "嵌入文档中的一段文字", False)
    (OUT.parent / "embedded").mkdir(exist_ok=True)
    doc.storeToURL(uno.systemPathToFileUrl(str(OUT.parent / "embedded" / "objects.doc")),
                   (_prop("FilterName", "MS Word 97"),))
    doc.close(True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = f"dingmi{os.getpid()}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                               f"-env:UserInstallation=file://{profile}",
                               f"--accept=pipe,name={pipe};urp;"])
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
        for _ in range(100):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.3)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        hidden = (_prop("Hidden", True),)
        calc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, hidden)
        sheet = calc.Sheets.getByIndex(0)
        sheet.getCellByPosition(0, 0).String = "机密★5年"
        sheet.getCellByPosition(0, 1).String = "关于某事项的汇总表"
        calc.storeToURL(uno.systemPathToFileUrl(str(OUT / "locked.xls")),
                        (_prop("FilterName", "MS Excel 97"), _prop("Password", PASSWORD)))
        calc.close(True)
        _objects(desktop)
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main()
