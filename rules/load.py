"""Loading and validating YAML catalogues (format: docs/catalogue.md).

Unknown keys are errors; every error names the file, the line and the field and shows the right
form. Several catalogues combine; an item id used twice, in one file or across files, is an error.
Compiled catalogues are cached by content hash so a 10,000-item file loads in well under a second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from markers.models import LEVELS, STATUTORY_MAX_YEARS
from markers.normalize import normalize
from rules.context import KINDS
from rules.errors import CatalogError
from rules.model import Catalog, Item, MatchSpec, Near
from rules.quantity import KINDS as QUANTITY_KINDS
from rules.quantity import Quantity, QuantityError, parse_condition
from rules.yamlnodes import AliasFound, DuplicateKey, Path_, compose, refuse_aliases, to_python

MAX_BYTES = 16 * 1024 * 1024
CACHE_VERSION = 3
HEADER_KEYS = {"id", "title", "issuer", "version", "effective", "fictional", "note", "context"}
ITEM_KEYS = {"id", "title", "level", "max_years", "max_months", "long_term", "until", "condition",
             "scope", "tier", "basis", "match", "examples", "note", "context"}
CONTEXT_KEYS = {"add", "remove", "passage", "document_factor", "section"}
TERM_KEYS = ("max_years", "max_months", "long_term", "until", "condition")
MATCH_KEYS = {"all", "any", "min_any", "none", "near", "synonyms", "threshold", "quantity"}
HINTS = {
    "level": "level: 秘密（绝密、机密 或 秘密）",
    "term": ("max_years: 10 | max_months: 6 | long_term: true | until: 2030-12-31 | "
             "condition: 启用前"),
    "terms": "all: [测绘成果, 坐标]",
    "near": "near: [{terms: [试卷, 启用前], within: 30}]",
    "examples": "examples: {match: [句子], no_match: [句子]}",
    "quantity": ("quantity: [{scale: 1:1万及更大}, {area: 大于25平方千米}, "
                 "{value: 1亿立方米以上, of: [库容]}]"),
    "context": "context: {add: {negated: [未列入]}, remove: {public: [回顾]}, passage: 300}",
}


def _context(ctx: _Ctx, data: Any, at: Path_) -> dict[str, Any] | None:
    """A ``context:`` block (docs/catalogue.md), checked."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ctx.fail(at, "context", "context 应为映射", "context must be a mapping",
                       HINTS["context"])
    _unknown(ctx, data, CONTEXT_KEYS, at, ("context", "context"))
    for key in ("add", "remove"):
        block = data.get(key)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise ctx.fail((*at, key), key, f"{key} 应为映射", f"{key} must be a mapping",
                           HINTS["context"])
        _unknown(ctx, block, set(KINDS), (*at, key), (key, key))
        for kind, words in block.items():
            _terms(ctx, words, (*at, key, kind), kind, required=True)
    passage = data.get("passage")
    if passage is not None and (not isinstance(passage, int) or isinstance(passage, bool)
                                or passage < 0):
        raise ctx.fail((*at, "passage"), "passage", "passage 应为非负整数（字符数，0 为全文）",
                       "passage must be a whole number of characters (0: the whole text)",
                       HINTS["context"])
    factor = data.get("document_factor")
    if factor is not None and (not isinstance(factor, (int, float)) or isinstance(factor, bool)
                               or not 0 < factor <= 1):
        raise ctx.fail((*at, "document_factor"), "document_factor",
                       "document_factor 应在 (0, 1] 之间", "document_factor must be in (0, 1]",
                       HINTS["context"])
    if "section" in data and not isinstance(data["section"], bool):
        raise ctx.fail((*at, "section"), "section", "section 应为 true 或 false",
                       "section must be true or false", HINTS["context"])
    return data


class _Ctx:
    """File, line table and error helper for one catalogue file."""

    def __init__(self, path: str, lines: dict[Path_, int]) -> None:
        self.path, self.lines = path, lines

    def fail(self, at: Path_, field: str, zh: str, en: str, hint: str = "") -> CatalogError:
        line = 0
        probe = at
        while probe and not line:
            line = self.lines.get(probe, 0)
            probe = probe[:-1]
        return CatalogError(self.path, line or self.lines.get((), 0), field, zh, en, hint)


def _unknown(ctx: _Ctx, data: dict[str, Any], allowed: set[str], at: Path_,
             what: tuple[str, str]) -> None:
    for key in data:
        if key not in allowed:
            keys = ", ".join(sorted(allowed))
            raise ctx.fail((*at, key), key, f"{what[0]}中不认识的键“{key}”；可用的键：{keys}",
                           f"unknown key '{key}' in {what[1]}; allowed keys: {keys}")


def _terms(ctx: _Ctx, value: Any, at: Path_, field: str, required: bool = False
           ) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise ctx.fail(at, field, f"{field} 应为非空字符串的列表", f"{field} must be a list of "
                       "non-empty strings", HINTS["terms"])
    if required and not value:
        raise ctx.fail(at, field, f"{field} 不能为空列表", f"{field} must not be empty",
                       HINTS["terms"])
    return tuple(normalize(t) for t in value)


def _match(ctx: _Ctx, data: Any, at: Path_) -> MatchSpec:
    if not isinstance(data, dict):
        raise ctx.fail(at, "match", "缺少 match 匹配规则", "the item has no match specification",
                       HINTS["terms"])
    _unknown(ctx, data, MATCH_KEYS, at, ("match", "match"))
    for key in ("all", "any", "none"):
        if key in data and not data[key]:
            raise ctx.fail((*at, key), key, f"{key} 不能为空列表", f"{key} must not be empty",
                           HINTS["terms"])
    all_ = _terms(ctx, data.get("all"), (*at, "all"), "all")
    any_ = _terms(ctx, data.get("any"), (*at, "any"), "any")
    none = _terms(ctx, data.get("none"), (*at, "none"), "none")
    near = tuple(_near(ctx, g, (*at, "near", i)) for i, g in enumerate(data.get("near") or []))
    quantity = _quantities(ctx, data.get("quantity"), (*at, "quantity"))
    if not (all_ or any_ or near):
        raise ctx.fail(at, "match", "match 至少需要 all、any 或 near 之一",
                       "match needs at least one of all, any or near", HINTS["terms"])
    min_any = data.get("min_any", 1)
    if not isinstance(min_any, int) or isinstance(min_any, bool) or not 1 <= min_any <= max(
            len(any_), 1):
        raise ctx.fail((*at, "min_any"), "min_any", "min_any 应为 1 到 any 词数之间的整数",
                       "min_any must be an integer between 1 and the number of any terms")
    threshold = data.get("threshold", 1.0)
    if not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise ctx.fail((*at, "threshold"), "threshold", "threshold 应在 0 到 1 之间（含 1）",
                       "threshold must be in (0, 1]", "threshold: 0.8")
    synonyms = _synonyms(ctx, data.get("synonyms"), (*at, "synonyms"))
    return MatchSpec(all_, any_, min_any, none, near, synonyms, float(threshold), quantity)


def _quantities(ctx: _Ctx, data: Any, at: Path_) -> tuple[Quantity, ...]:
    """``quantity:`` conditions (docs/catalogue.md): each a mapping with one kind key (scale,
    area, length, count, amount, grade, value) and, optionally, ``of``."""
    if data is None:
        return ()
    if not isinstance(data, list) or not data:
        raise ctx.fail(at, "quantity", "quantity 应为非空列表", "quantity must be a non-empty list",
                       HINTS["quantity"])
    out = []
    for i, entry in enumerate(data):
        where = (*at, i)
        kinds = [k for k in entry if k in QUANTITY_KINDS] if isinstance(entry, dict) else []
        if not isinstance(entry, dict) or len(kinds) != 1 or not set(entry) <= {*kinds, "of"}:
            raise ctx.fail(where, "quantity", "每个数量条件需要且只需要一个种类键（scale、area、"
                           "length、count、amount、grade、value），可另加 of",
                           "each quantity condition takes exactly one kind key (scale, area, "
                           "length, count, amount, grade, value) and optionally of",
                           HINTS["quantity"])
        kind = kinds[0]
        of = _terms(ctx, entry.get("of"), (*where, "of"), "of")
        try:
            out.append(parse_condition(kind, str(entry[kind]), of))
        except QuantityError:
            raise ctx.fail((*where, kind), kind, f"无法识别的数量条件“{entry[kind]}”",
                           f"cannot read the quantity condition '{entry[kind]}'",
                           QUANTITY_HINTS[kind]) from None
    return tuple(out)


QUANTITY_HINTS = {"scale": "scale: 1:1万及更大 | 1:5000至1:10万 | 1:5万及更小",
                  "area": "area: 大于25平方千米", "length": "length: 100千米以上",
                  "count": "count: 10处以上", "amount": "amount: 5000万元以上",
                  "grade": "grade: 一、二等", "value": "value: 1亿立方米以上"}


def _near(ctx: _Ctx, group: Any, at: Path_) -> Near:
    if not isinstance(group, dict) or set(group) != {"terms", "within"}:
        raise ctx.fail(at, "near", "near 的每一组需要 terms 和 within",
                       "each near group needs terms and within", HINTS["near"])
    terms = _terms(ctx, group["terms"], (*at, "terms"), "terms", required=True)
    within = group["within"]
    if len(terms) < 2 or not isinstance(within, int) or within < 1:
        raise ctx.fail(at, "near", "near 需要至少两个词和正整数 within",
                       "near needs two or more terms and a positive within", HINTS["near"])
    return Near(terms, within)


def _synonyms(ctx: _Ctx, data: Any, at: Path_) -> dict[str, tuple[str, ...]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ctx.fail(at, "synonyms", "synonyms 应为“词: [同义词]”的映射",
                       "synonyms must map a term to a list of synonyms", "synonyms: {试卷: [试题]}")
    return {normalize(k): _terms(ctx, v, (*at, k), "synonyms", required=True)
            for k, v in data.items()}


def _level_and_term(ctx: _Ctx, data: dict[str, Any], at: Path_) -> dict[str, Any]:
    level = data.get("level")
    if level not in LEVELS:
        raise ctx.fail((*at, "level"), "level", f"密级“{level}”无效，只能是绝密、机密、秘密",
                       f"invalid level {level!r}: must be 绝密, 机密 or 秘密", HINTS["level"])
    given = [k for k in TERM_KEYS if k in data]
    if len(given) != 1:
        raise ctx.fail(at, "term", "每个事项须有且只有一个期限键", "an item needs exactly one "
                       "term key", HINTS["term"])
    key, value = given[0], data[given[0]]
    out: dict[str, Any] = {"level": level}
    limit = STATUTORY_MAX_YEARS[level]
    if key in ("max_years", "max_months"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ctx.fail((*at, key), key, f"{key} 应为正整数", f"{key} must be a positive "
                           "integer", HINTS["term"])
        years = value if key == "max_years" else value / 12
        unit_zh, unit_en = ("年", "years") if key == "max_years" else ("个月", "months")
        if years > limit:
            raise ctx.fail((*at, key), key,
                           f"保密期限 {value}{unit_zh}超过{level}法定最长期限{limit}年",
                           f"period {value} {unit_en} exceeds the statutory maximum of "
                           f"{limit} years for {level}", f"max_years: {limit}")
        out[key] = value
    elif key == "long_term":
        if value is not True:  # 长期 at any level where the 保密事项范围 provides it
            raise ctx.fail((*at, key), key, "long_term 只能写 true",
                           "long_term must be true", "long_term: true")
        out[key] = True
    elif key == "until":
        if not isinstance(value, dt.date):
            raise ctx.fail((*at, key), key, "until 应为日期", "until must be a date",
                           "until: 2030-12-31")
        out[key] = value
    else:
        if not isinstance(value, str) or not value.strip():
            raise ctx.fail((*at, key), key, "condition 应为文字", "condition must be text",
                           "condition: 启用前")
        out[key] = value.strip()
    return out


def _text(ctx: _Ctx, data: dict[str, Any], key: str, at: Path_, required: bool = False
          ) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, (str, int, float)) or not str(value).strip():
        raise ctx.fail((*at, key), key, f"{key} 应为非空文字", f"{key} must be non-empty text",
                       f"{key}: …")
    return str(value).strip()


def _examples(ctx: _Ctx, data: Any, at: Path_) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if data is None:
        return (), ()
    if not isinstance(data, dict) or not set(data) <= {"match", "no_match"}:
        raise ctx.fail(at, "examples", "examples 只能含 match 和 no_match",
                       "examples takes match and no_match only", HINTS["examples"])
    def sentences(key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise ctx.fail((*at, key), key, f"examples.{key} 应为句子列表",
                           f"examples.{key} must be a list of sentences", HINTS["examples"])
        return tuple(value)
    return sentences("match"), sentences("no_match")


def _item(ctx: _Ctx, data: Any, at: Path_, catalog: str) -> Item:
    if not isinstance(data, dict):
        raise ctx.fail(at, "items", "事项应为映射", "an item must be a mapping", "- id: X-01 …")
    _unknown(ctx, data, ITEM_KEYS, at, ("事项", "an item"))
    item_id = _text(ctx, data, "id", at, required=True)
    title = _text(ctx, data, "title", at, required=True)
    assert item_id is not None and title is not None
    term = _level_and_term(ctx, data, at)
    ex_match, ex_no = _examples(ctx, data.get("examples"), (*at, "examples"))
    return Item(id=item_id, title=title, scope=_text(ctx, data, "scope", at),
                tier=_text(ctx, data, "tier", at), basis=_text(ctx, data, "basis", at),
                match=_match(ctx, data.get("match"), (*at, "match")),
                examples_match=ex_match, examples_no_match=ex_no, catalog=catalog,
                context=_context(ctx, data.get("context"), (*at, "context")), **term)


def parse_catalog(text: str, path: str, sha256: str = "") -> Catalog:
    """Validate catalogue ``text`` (from ``path``) into a :class:`Catalog`."""
    try:
        node = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(path, line, "", f"YAML 语法错误：{problem}",
                           f"YAML syntax error: {problem}") from exc
    lines: dict[Path_, int] = {}
    try:
        if node is not None:
            refuse_aliases(node)
        data = to_python(node, (), lines) if node is not None else None
    except AliasFound as exc:
        raise CatalogError(path, exc.line, "", "不允许使用 YAML 别名（*名称）",
                           "YAML aliases (*name) are not allowed") from exc
    except DuplicateKey as exc:
        raise CatalogError(path, exc.line, exc.key, f"键“{exc.key}”重复",
                           f"duplicate key '{exc.key}'") from exc
    ctx = _Ctx(path, lines)
    if not isinstance(data, dict) or set(data) != {"catalog", "items"}:
        raise ctx.fail((), "", "目录文件应包含 catalog 和 items 两部分",
                       "a catalogue file has exactly two parts: catalog and items",
                       "catalog: {id: …, title: …}\nitems: [...]")
    header = data["catalog"]
    if not isinstance(header, dict):
        raise ctx.fail(("catalog",), "catalog", "catalog 应为映射", "catalog must be a mapping")
    _unknown(ctx, header, HEADER_KEYS, ("catalog",), ("catalog", "catalog"))
    cid = _text(ctx, header, "id", ("catalog",), required=True)
    assert cid is not None
    items_data = data["items"]
    if not isinstance(items_data, list) or not items_data:
        raise ctx.fail(("items",), "items", "items 应为非空列表", "items must be a non-empty list")
    items = tuple(_item(ctx, d, ("items", i), cid) for i, d in enumerate(items_data))
    _no_duplicates(ctx, items)
    effective = header.get("effective")
    return Catalog(id=cid, title=_text(ctx, header, "title", ("catalog",), True) or "",
                   issuer=_text(ctx, header, "issuer", ("catalog",)) or "",
                   version=str(header.get("version", "")),
                   effective=effective if isinstance(effective, dt.date) else None,
                   items=items, path=path, sha256=sha256,
                   fictional=bool(header.get("fictional", False)),
                   context=_context(ctx, header.get("context"), ("catalog", "context")))


def _no_duplicates(ctx: _Ctx, items: Sequence[Item]) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            raise ctx.fail(("items", i, "id"), "id", f"事项编号“{item.id}”重复（第 "
                           f"{seen[item.id] + 1} 个事项已使用）",
                           f"duplicate item id '{item.id}' (already used by item "
                           f"{seen[item.id] + 1})")
        seen[item.id] = i


def load_catalog(path: Path, cache_dir: Path | None = None) -> Catalog:
    """Load one catalogue file, from the compiled cache when its content is unchanged."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CatalogError(str(path), 0, "",
                               f"目录文件过大（{size} 字节，上限 {MAX_BYTES} 字节）",
                               f"catalogue file too large ({size} bytes, limit {MAX_BYTES})")
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(str(path), 0, "", f"无法读取目录文件：{exc.strerror}",
                           f"cannot read the catalogue file: {exc.strerror}") from exc
    sha = hashlib.sha256(raw).hexdigest()
    cached = _cache_get(cache_dir, sha)
    if cached is not None:
        return Catalog(**{**cached.__dict__, "path": str(path)})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(str(path), 0, "", "目录文件应为 UTF-8 编码",
                           "the catalogue file must be UTF-8") from exc
    catalog = parse_catalog(text, str(path), sha)
    _cache_put(cache_dir, sha, catalog)
    return catalog


def load_catalogs(paths: Sequence[Path], cache_dir: Path | None = None) -> tuple[Catalog, ...]:
    """Load and combine catalogues; an item id in two of them is an error."""
    catalogs = tuple(load_catalog(p, cache_dir) for p in paths)
    owner: dict[str, str] = {}
    for cat in catalogs:
        for item in cat.items:
            if item.id in owner:
                raise CatalogError(cat.path, 0, "id",
                                   f"事项编号“{item.id}”与 {owner[item.id]} 重复",
                                   f"item id '{item.id}' is also used in {owner[item.id]}")
            owner[item.id] = cat.path
    return catalogs


def _cache_file(cache_dir: Path, sha: str) -> Path:
    return cache_dir / f"catalog-v{CACHE_VERSION}-{sha}.pickle"


def _cache_get(cache_dir: Path | None, sha: str) -> Catalog | None:
    if cache_dir is None:
        return None
    try:
        with _cache_file(cache_dir, sha).open("rb") as fh:
            value = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None
    return value if isinstance(value, Catalog) and value.sha256 == sha else None


def _cache_put(cache_dir: Path | None, sha: str, catalog: Catalog) -> None:
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = _cache_file(cache_dir, sha).with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(_cache_file(cache_dir, sha))
    except OSError:
        return
