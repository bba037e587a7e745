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
from rules.quantity import quantity_conditions

HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("国家秘密事项名称", "国家秘密事项", "具体事项内容", "秘密事项名称", "具体事项",
              "事项内容", "事项名称", "事项", "内容"),
    "level": ("密级",),
    "term": ("保密期限", "解密时间", "解密条件", "期限"),
    "scope": ("知悉范围", "控制范围", "知悉人员范围", "知悉人员"),
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
        cells = [re.sub(r"[\s（）()*＊]+", "", c) for c in row]
        found: dict[str, int] = {}
        for key in HEADERS:  # names given by the user: exact
            if key in override and override[key] in cells:
                found[key] = cells.index(override[key])
        for c, cell in enumerate(cells):  # else the header a cell names best (longest name)
            if c in found.values() or not cell or len(cell) > 12:
                continue
            best = max(((len(n), k) for k, names in HEADERS.items() if k not in found
                        and k not in override for n in names if n in cell), default=None)
            if best is not None:
                found[best[1]] = c
        if all(k in found for k in REQUIRED):
            return r, found
    missing = "、".join(HEADERS[k][0] for k in REQUIRED)
    raise CatalogError("", 0, "", f"找不到表头（需要列：{missing}）；可用 --col-title 等选项指定",
                       "no header row found (needs columns for item, level and term); "
                       "name them with --col-title, --col-level, --col-term")


TERM_LABEL = re.compile(r"^(?:保密期限|解密时间|解密条件|期限|条件)[:：]")


def _term(value: str) -> dict[str, Any]:
    text = TERM_LABEL.sub("", re.sub(r"\s+", "", value))
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


# Words that name nothing by themselves in a catalogue title (and occur in any official text).
GENERIC = {
    "全市", "全省", "全国", "本市", "本省", "本地区", "本单位", "重大", "重要", "有关", "相关",
    "各类", "各项", "具体", "未公开", "尚未公开", "未公布", "国家秘密", "秘密", "内容", "情况",
    "工作", "事项", "信息", "资料", "文件", "材料", "数据", "参数", "大地", "方面", "部分",
    "其他", "过程", "期间", "阶段", "结果", "安排", "计划", "方案", "意见", "报告", "名单",
    "人员", "单位", "部门", "项目", "管理", "标准", "要求", "数量", "启用", "公布", "实施"}
# Tokens where a title's noun phrases part.
FUNCTION = {"的", "和", "及", "与", "或", "等", "之间", "以及", "或者", "在", "中", "前", "后",
            "时", "对", "于", "其", "及其", "之", "中的", "和或", "并", "为"}
SHORT_NOTE = re.compile(r"[（(][^）)]{1,2}[）)]")  # 菌（毒）种 → 菌种


class Keywords:
    """Match terms proposed from an item's title: its distinctive noun phrases. The title's
    tokens are cut into phrases at function words (的, 和, 及, 在, 前…) and punctuation; each
    phrase gives its head: the shortest run of its last tokens that is three characters or more
    (谈判|底线 → 谈判底线, 坐标|转换|参数 → 转换参数); a phrase of two characters (试卷) only
    when the title has nothing longer; generic words (全市, 重大, 参数, 未公开…) are never
    proposed alone. A tokenizer of our own (never jieba's global one)."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        import jieba  # noqa: PLC0415

        jieba.setLogLevel(logging.WARNING)
        self.tokenizer = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self.tokenizer.tmp_dir = str(cache_dir)

    def __call__(self, text: str, k: int = 5) -> list[str]:
        phrases: list[list[str]] = [[]]
        for token in self.tokenizer.cut(SHORT_NOTE.sub("", text), HMM=False):
            if token in FUNCTION or not any(ch.isalnum() for ch in token):
                phrases.append([])
            else:
                phrases[-1].append(token)
        out: list[str] = []
        for phrase in phrases:
            head = _head(phrase)
            if head and head not in out:
                out.append(head)
        longer = [t for t in out if len(t) >= 3]
        return sorted(longer or out, key=len, reverse=True)[:k]  # two characters: only alone


def as_written(term: str, title: str) -> str | None:
    """How ``term`` (proposed from the title with its short notes removed) stands in ``title``:
    ``菌种`` as ``菌（毒）种``."""
    if term in title:
        return term
    note = r"(?:[（(][^）)]{1,2}[）)])?"
    m = re.search(note.join(re.escape(ch) for ch in term), title)
    return m.group(0) if m else None


def _head(tokens: list[str]) -> str | None:
    while tokens and tokens[0] in GENERIC:  # 全市|重大|… before the phrase's own words
        tokens = tokens[1:]
    if not tokens:
        return None
    whole = "".join(tokens)
    if len(whole) == 2:
        return whole if whole not in GENERIC else None
    for n in range(1, len(tokens) + 1):
        head = "".join(tokens[-n:])
        if len(head) >= 3 and not all(t in GENERIC for t in tokens[-n:]):
            return head
    return None


def rows_to_items(path: Path, rows: Sequence[Sequence[str]], header: int, cols: dict[str, int],
                  *, catalog_id: str, keywords: Keywords
                  ) -> Iterator[dict[str, Any] | CatalogError]:
    """For every data row, its validated item dict (YAML-ready) or the error that row has (with
    its row number as the line): a sheet's bad rows are all reported, not only the first."""
    lines: dict[tuple[str | int, ...], int] = {}
    ctx = _Ctx(str(path), lines)
    n = 0
    seen: dict[str, int] = {}
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
        title = re.sub(r"\s+", "", get["title"])
        terms = keywords(title) or [title[:8]]
        data["match"] = {"any": terms, "min_any": min(2, len(terms))}
        written = {t: as_written(t, title) for t in terms}  # 菌（毒）种 for 菌种
        synonyms = {t: [w] for t, w in written.items() if w and w != t}
        if synonyms:
            data["match"]["synonyms"] = synonyms
        wanted = quantity_conditions(title)
        if wanted:
            data["match"]["quantity"] = wanted
        at = ("items", n - 1)
        lines[at] = r + 1
        if item_id in seen:
            yield ctx.fail((*at, "id"), "id", f"事项编号“{item_id}”重复（第 {seen[item_id]} 行"
                           "已使用）", f"duplicate item id '{item_id}' (row {seen[item_id]})")
            continue
        try:
            _item(ctx, data, at, catalog_id)
        except CatalogError as exc:
            yield exc
            continue
        seen[item_id] = r + 1
        yield data


class ImportErrors(CatalogError):
    """The rows of a sheet that could not be imported (every one, each with its row)."""

    def __init__(self, path: str, errors: Sequence[CatalogError], kept: int) -> None:
        self.errors, self.kept = tuple(errors), kept
        super().__init__(path, 0, "", f"{len(errors)} 行有误", f"{len(errors)} rows are wrong")

    def text(self, lang: str = "zh") -> str:
        """Every bad row, one a line."""
        return "\n".join(e.text(lang) for e in self.errors)


def import_sheet(path: Path, out: Path, *, catalog_id: str, title: str, sheet: str | None,
                 override: dict[str, str], cache_dir: Path | None = None,
                 keep_good: bool = False) -> int:
    """Write the catalogue YAML for ``path`` to ``out``; the number of items. Rows that cannot
    be imported raise :class:`ImportErrors` naming every one; nothing is written unless
    ``keep_good`` (then the good rows are written first and the error still says which rows
    were left out)."""
    rows = read_rows(path, sheet)
    try:
        header, cols = detect_columns(rows, override)
    except CatalogError as exc:
        raise CatalogError(str(path), 0, "", exc.message_zh, exc.message_en) from exc
    results = list(rows_to_items(path, rows, header, cols, catalog_id=catalog_id,
                                 keywords=Keywords(cache_dir)))
    items = [r for r in results if not isinstance(r, CatalogError)]
    errors = [r for r in results if isinstance(r, CatalogError)]
    if errors and not keep_good:
        raise ImportErrors(str(path), errors, 0)
    doc = {"catalog": {"id": catalog_id, "title": title, "version": "1",
                       "note": "由表格导入；match 中的词由关键词提取建议，请定密责任人核改"},
           "items": items}
    text = ("# 由 dingmi catalog import 生成 / generated by dingmi catalog import from "
            f"{path.name}\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    if errors:
        raise ImportErrors(str(path), errors, len(items))
    return len(items)
