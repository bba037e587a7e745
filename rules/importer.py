"""Import a unit's 一览表 / 定密细目 from a spreadsheet (.xlsx or .csv) into YAML.

Columns are found from their Chinese headers (事项/具体事项内容, 密级, 保密期限, 知悉范围, …)
unless a mapping is given. Levels and terms are validated with the same messages as YAML
catalogues, the sheet row standing in for the line. Match terms are proposed by keyword extraction
for the officer to edit.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from markers.terms import parse_term
from rules.errors import CatalogError
from rules.load import _Ctx, _item

HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("具体事项内容", "具体事项", "事项内容", "国家秘密事项", "事项名称", "事项", "内容"),
    "level": ("密级",),
    "term": ("保密期限", "解密时间", "解密条件", "期限"),
    "scope": ("知悉范围", "知悉人员"),
    "id": ("条目编号", "编号", "序号"),
    "tier": ("产生层级", "产生部门或岗位", "产生部门", "层级"),
    "basis": ("定密依据", "依据"),
}
REQUIRED = ("title", "level", "term")


def read_rows(path: Path, sheet: str | None = None) -> list[list[str]]:
    """All rows of the sheet as strings (first sheet unless ``sheet`` names one)."""
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CatalogError(str(path), 0, "", "CSV 编码无法识别（应为 UTF-8 或 GB18030）",
                               "unknown CSV encoding (use UTF-8 or GB18030)")
        return [[c.strip() for c in row] for row in csv.reader(text.splitlines())]
    import openpyxl  # noqa: PLC0415 (only the import command needs it)

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise CatalogError(str(path), 0, "", f"无法打开表格：{exc}",
                           f"cannot open the spreadsheet: {exc}") from exc
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    book.close()
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def detect_columns(rows: Sequence[Sequence[str]], override: dict[str, str]
                   ) -> tuple[int, dict[str, int]]:
    """The header row index and column index of each field."""
    for r, row in enumerate(rows[:20]):
        cells = [re.sub(r"\s+", "", c) for c in row]
        found: dict[str, int] = {}
        for key, names in HEADERS.items():
            wanted = (override[key],) if key in override else names
            for name in wanted:
                if name in cells and key not in found:
                    found[key] = cells.index(name)
        if all(k in found for k in REQUIRED):
            return r, found
    missing = "、".join(HEADERS[k][0] for k in REQUIRED)
    raise CatalogError("", 0, "", f"找不到表头（需要列：{missing}）；可用 --col-title 等选项指定",
                       "no header row found (needs columns for item, level and term); "
                       "name them with --col-title, --col-level, --col-term")


def _term(value: str) -> dict[str, Any]:
    text = re.sub(r"\s+", "", value)
    term = parse_term(text)
    if term is not None and term.kind == "years" and not term.months:
        return {"max_years": term.years}
    if term is not None and term.kind == "months" and not term.years:
        return {"max_months": term.months}
    if term is not None and term.kind == "long_term":
        return {"long_term": True}
    if term is not None and term.kind == "date" and term.until:
        return {"until": term.until}
    return {"condition": text} if text else {}


class Keywords:
    """Keyword extraction with a tokenizer of our own (the global jieba one is never used)."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        import jieba  # noqa: PLC0415
        from jieba.analyse.tfidf import TFIDF  # noqa: PLC0415

        jieba.setLogLevel(logging.WARNING)
        self.tfidf = TFIDF()
        tokenizer = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tokenizer.tmp_dir = str(cache_dir)
        self.tfidf.tokenizer = tokenizer

    def __call__(self, text: str, k: int = 4) -> list[str]:
        tags = self.tfidf.extract_tags(text, topK=k * 2)
        return [t for t in tags if len(t) > 1][:k]


def rows_to_items(path: Path, rows: Sequence[Sequence[str]], header: int, cols: dict[str, int],
                  *, catalog_id: str, keywords: Keywords) -> Iterator[dict[str, Any]]:
    """Validated item dicts (YAML-ready) for every data row."""
    lines: dict[tuple[str | int, ...], int] = {}
    ctx = _Ctx(str(path), lines)
    n = 0
    for r in range(header + 1, len(rows)):
        row = rows[r]
        get = {k: (row[i] if i < len(row) else "") for k, i in cols.items()}
        if not any(get.values()):
            continue
        n += 1
        item_id = get.get("id") or f"{catalog_id}-{n:04d}"
        if item_id.isdigit():
            item_id = f"{catalog_id}-{int(item_id):04d}"
        level = get["level"].replace("级", "")
        data: dict[str, Any] = {"id": item_id, "title": get["title"], "level": level,
                                **_term(get["term"])}
        for key in ("scope", "tier", "basis"):
            if get.get(key):
                data[key] = get[key]
        terms = keywords(get["title"]) or [get["title"][:8]]
        data["match"] = {"any": terms, "min_any": min(2, len(terms))}
        at = ("items", n - 1)
        lines[at] = r + 1
        _item(ctx, data, at, catalog_id)
        yield data


def import_sheet(path: Path, out: Path, *, catalog_id: str, title: str, sheet: str | None,
                 override: dict[str, str], cache_dir: Path | None = None) -> int:
    """Write the catalogue YAML for ``path`` to ``out``; the number of items."""
    rows = read_rows(path, sheet)
    try:
        header, cols = detect_columns(rows, override)
    except CatalogError as exc:
        raise CatalogError(str(path), 0, "", exc.message_zh, exc.message_en) from exc
    items = list(rows_to_items(path, rows, header, cols, catalog_id=catalog_id,
                               keywords=Keywords(cache_dir)))
    doc = {"catalog": {"id": catalog_id, "title": title, "version": "1",
                       "note": "由表格导入；match 中的词由关键词提取建议，请定密责任人核改"},
           "items": items}
    text = ("# 由 dingmi catalog import 生成 / generated by dingmi catalog import from "
            f"{path.name}\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return len(items)
