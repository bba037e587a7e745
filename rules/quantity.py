"""Quantities in catalogue items and in texts: map scales, areas, lengths, counts, amounts, grades
and any other number with its unit.

Real catalogue items are often quantitative: a 1:1万 or larger topographic map is 机密 where
a 1:5万 one is 秘密, an area above 25 km² decides, a tier (一、二等 against 三、四等) decides. An
item states such a condition as the catalogue writes it (``scale: 1:1万及更大``,
``area: 大于25平方千米``, ``grade: 一、二等``, ``value: 1亿立方米以上`` with ``of: [库容]``);
:func:`parse_condition` reads it into a :class:`Quantity`, a kind and a range of canonical
values (square metres, metres, yuan; the denominator for a scale, so a larger scale is a
smaller number). :func:`stated` finds the quantities a text states — Arabic or Chinese
numerals, 万/亿, ``1:5万`` and ``五万分之一``, units (平方千米, km², 公里, 亩…), ranges
(1:5000至1:1万) and bounds (超过, 以上, 不足…) — each with its span, and a condition holds for
a stated quantity whose range overlaps its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

KINDS = ("scale", "area", "length", "count", "amount", "grade", "value")
KIND_ZH = {"scale": "比例尺", "area": "面积", "length": "长度", "count": "数量", "amount": "金额",
           "grade": "等级", "value": "数值"}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_DIGIT = "零〇一二两三四五六七八九"
CN = rf"[{_CN_DIGIT}十][{_CN_DIGIT}十百千]*(?:点[{_CN_DIGIT}]+)?"
MULT = r"(?:千万|百万|万|亿|千(?![米克瓦]))?"
NUM = rf"(?:{AR}|{CN}){MULT}"
RANGE_SEP = r"(?:至|到|~|～|-|—|–|－)"

AREA_UNITS = (("平方千米", 1e6), ("平方公里", 1e6), ("km²", 1e6), ("km2", 1e6), ("平方米", 1.0),
              ("m²", 1.0), ("m2", 1.0), ("公顷", 1e4), ("亩", 10_000 / 15))
LENGTH_UNITS = (("千米", 1e3), ("公里", 1e3), ("km", 1e3), ("厘米", 0.01), ("cm", 0.01),
                ("毫米", 0.001), ("mm", 0.001), ("米", 1.0), ("m", 1.0))
AMOUNT_UNITS = (("元", 1.0),)
COUNTERS = "个处座名人台套件份幅张块条家所项宗批次户辆艘架部册本组眼孔站口点颗枚支根"
# Bound words: (word, side, open). ``lo`` bounds from below (以上), ``hi`` from above (以下).
BEFORE = (("不少于", "lo", False), ("不低于", "lo", False), ("不小于", "lo", False),
          ("大于等于", "lo", False), ("大于", "lo", True), ("超过", "lo", True),
          ("高于", "lo", True),
          ("多于", "lo", True), ("逾", "lo", True), ("达到", "lo", False), ("≥", "lo", False),
          (">", "lo", True), ("不超过", "hi", False), ("不大于", "hi", False),
          ("不高于", "hi", False), ("小于等于", "hi", False), ("小于", "hi", True),
          ("低于", "hi", True), ("不足", "hi", True), ("少于", "hi", True), ("不到", "hi", True),
          ("≤", "hi", False), ("<", "hi", True))
AFTER = (("及以上", "lo", False), ("以上", "lo", False), ("及更大", "lo", False),
         ("或更大", "lo", False), ("及以下", "hi", False), ("以下", "hi", False),
         ("以内", "hi", False), ("之内", "hi", False), ("及更小", "hi", False),
         ("或更小", "hi", False))
_BEFORE_RE = "|".join(re.escape(w) for w, _, _ in BEFORE)
_AFTER_RE = "|".join(re.escape(w) for w, _, _ in AFTER)
_GRADE_CH = {**{k: v for k, v in _CN_DIGITS.items() if v}, **{str(i): i for i in range(1, 10)},
             "甲": 1, "乙": 2, "丙": 3, "丁": 4, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5}
_GRADE_ONE = "[" + "".join(_GRADE_CH) + "]"
GRADE = re.compile(rf"({_GRADE_ONE}(?:(?:、|,|，|和|及|与|或|至|到|~|～|-|—){_GRADE_ONE})*)"
                   rf"(等|级)(?![奖功品])")


@dataclass(frozen=True)
class Range:
    """An interval of canonical values; None is unbounded."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False

    def overlaps(self, other: Range) -> bool:
        """Whether the two intervals share a value."""
        lo, lo_open = _max_lo(self, other)
        hi, hi_open = _min_hi(self, other)
        if lo is None or hi is None:
            return True
        if lo < hi:
            return True
        return math.isclose(lo, hi) and not lo_open and not hi_open

    def text(self) -> str:
        """``[25, ∞)``-style, for tests and messages."""
        left = "(" if self.lo_open or self.lo is None else "["
        right = ")" if self.hi_open or self.hi is None else "]"
        lo = "-∞" if self.lo is None else f"{self.lo:g}"
        hi = "∞" if self.hi is None else f"{self.hi:g}"
        return f"{left}{lo}, {hi}{right}"


def _max_lo(a: Range, b: Range) -> tuple[float | None, bool]:
    if a.lo is None:
        return b.lo, b.lo_open
    if b.lo is None or a.lo > b.lo:
        return a.lo, a.lo_open
    if b.lo > a.lo:
        return b.lo, b.lo_open
    return a.lo, a.lo_open or b.lo_open


def _min_hi(a: Range, b: Range) -> tuple[float | None, bool]:
    if a.hi is None:
        return b.hi, b.hi_open
    if b.hi is None or a.hi < b.hi:
        return a.hi, a.hi_open
    if b.hi < a.hi:
        return b.hi, b.hi_open
    return a.hi, a.hi_open or b.hi_open


@dataclass(frozen=True)
class Quantity:
    """An item's quantity condition: its kind, the range it allows, the unit for counts and
    other values (the counter word, 立方米…) or grades (等/级), the words it must follow."""

    kind: str
    written: str
    range: Range
    unit: str = ""
    grades: frozenset[int] = frozenset()
    of: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The condition's name among an item's terms (evidence and ``satisfied`` show it)."""
        return f"〔{KIND_ZH[self.kind]}{self.written}〕"

    def holds(self, q: Stated) -> bool:
        """Whether the stated quantity ``q`` meets this condition."""
        if q.kind != self.kind or (self.unit and q.unit != self.unit):
            return False
        if self.kind == "grade":
            return bool(self.grades & q.grades)
        return self.range.overlaps(q.range)


@dataclass(frozen=True)
class Stated:
    """A quantity stated in a text, with its span."""

    kind: str
    range: Range
    start: int
    end: int
    unit: str = ""
    grades: frozenset[int] = frozenset()


class QuantityError(ValueError):
    """A quantity condition that cannot be read (the message says the right form)."""


def cn_number(text: str) -> float | None:
    """A number written in Chinese numerals (二十五, 一百二十, 三千五百, 一〇〇, 一点五, 五万)."""
    if not text:
        return None
    whole, _, frac = text.partition("点")
    value: float | None
    if whole and all(ch in _CN_DIGITS for ch in whole) and len(whole) > 1:
        value = float("".join(str(_CN_DIGITS[ch]) for ch in whole))
    else:
        value = _cn_positional(whole)
    if value is None:
        return None
    if frac:
        if not all(ch in _CN_DIGITS for ch in frac):
            return None
        value += float("0." + "".join(str(_CN_DIGITS[ch]) for ch in frac))
    return value


def _cn_positional(text: str) -> float | None:
    total, section, digit = 0.0, 0.0, None
    if not text:
        return None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in _CN_BIG:
            total = (total + section + (digit or 0)) * _CN_BIG[ch]
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def number(text: str) -> float | None:
    """An Arabic or Chinese number with an optional 万/亿/千 multiplier (1.2亿, 5万, 二十五)."""
    mult = 1.0
    for word, factor in (("千万", 1e7), ("百万", 1e6), ("万", 1e4), ("亿", 1e8), ("千", 1e3)):
        if text.endswith(word) and len(text) > len(word):
            head = text[:-len(word)]
            if re.fullmatch(AR, head) or (word != "千" and cn_number(head) is not None):
                text, mult = head, factor
                break
    if re.fullmatch(AR, text):
        return float(text.replace(",", "")) * mult
    value = cn_number(text)
    return None if value is None else value * mult


def _bound(value: float, before: str | None, after: str | None, scale: bool) -> Range:
    """The range a number states with its bound words; for a scale the sides swap (a larger
    scale is a smaller denominator)."""
    side, open_ = None, False
    for word, s, o in BEFORE:
        if before == word:
            side, open_ = s, o
    for word, s, o in AFTER:
        if after == word:
            side, open_ = s, o
    if scale and side is not None:
        side = "hi" if side == "lo" else "lo"
    if side == "lo":
        return Range(lo=value, lo_open=open_)
    if side == "hi":
        return Range(hi=value, hi_open=open_)
    return Range(value, value)


def _units(kind: str, unit: str = "") -> tuple[tuple[str, float], ...]:
    if kind == "area":
        return AREA_UNITS
    if kind == "length":
        return LENGTH_UNITS
    if kind == "amount":
        return AMOUNT_UNITS
    if kind == "count":
        return tuple((c, 1.0) for c in (unit or COUNTERS))
    return ((unit, 1.0),)


def _unit_re(units: Sequence[tuple[str, float]]) -> str:
    parts = []
    for word, _ in units:
        guard = r"(?![a-zA-Z²2³3])" if word.isascii() else ""
        parts.append(re.escape(word) + guard)
    return "(?:" + "|".join(parts) + ")"


_SCALE_ONE = rf"(?<![\d.])1:({NUM})(?![\d万])"
NOT_INSIDE = r"(?<![\d零〇一二两三四五六七八九十百千])(?<!\d[.,])"  # not inside a longer number
_SCALE_FRACTION = rf"((?:{AR}|[一二两三四五六七八九十]+[{_CN_DIGIT}十百千]*){MULT})分之一"


def _scale_pattern() -> re.Pattern[str]:
    one = rf"(?:{_SCALE_ONE}|{_SCALE_FRACTION})"
    return re.compile(rf"({_BEFORE_RE})?{one}(?:{RANGE_SEP}{one})?({_AFTER_RE})?")


SCALE = _scale_pattern()


def _scales(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Stated]:
    for m in SCALE.finditer(text, lo, len(text) if hi is None else hi):
        first = number(m.group(2) or m.group(3) or "")
        second = number(m.group(4) or m.group(5) or "") if (m.group(4) or m.group(5)) else None
        if first is None or first < 100:
            continue  # 1:30 is a time of day, not a map scale
        if second is not None and second >= 100:
            rng = Range(min(first, second), max(first, second))
        else:
            rng = _bound(first, m.group(1), m.group(6), scale=True)
        yield Stated("scale", rng, m.start(), m.end())


def _measure_pattern(kind: str, unit: str = "") -> re.Pattern[str]:
    units = _unit_re(_units(kind, unit))
    return re.compile(rf"({_BEFORE_RE})?{NOT_INSIDE}({NUM})(?:{RANGE_SEP}({NUM}))?([余多])?"
                      rf"({units})({_AFTER_RE})?")


_PATTERNS: dict[tuple[str, str], re.Pattern[str]] = {}


def _measures(kind: str, text: str, unit: str = "", lo: int = 0, hi: int | None = None
              ) -> Iterator[Stated]:
    key = (kind, unit)
    if key not in _PATTERNS:
        _PATTERNS[key] = _measure_pattern(kind, unit)
    factors = dict(_units(kind, unit))
    for m in _PATTERNS[key].finditer(text, lo, len(text) if hi is None else hi):
        word = m.group(5)
        factor = factors.get(word, 1.0)
        second_text = m.group(3)
        first_text = m.group(2)
        if second_text and not re.search(r"[万亿千]$", first_text):
            mult = re.search(r"(千万|百万|万|亿)$", second_text)
            if mult:  # 5至10万亩: the first number shares the second's multiplier
                first_text += mult.group(1)
        first = number(first_text)
        second = number(second_text) if second_text else None
        if first is None or (second_text and second is None):
            continue
        first *= factor
        if second is not None:
            rng = Range(min(first, second * factor), max(first, second * factor))
        elif m.group(4):  # 30余平方千米: a little more than 30
            rng = Range(first, first * 1.5, lo_open=True)
        else:
            rng = _bound(first, m.group(1), m.group(6), scale=False)
        counter = word if kind == "count" else unit
        yield Stated(kind, rng, m.start(), m.end(), counter)


def _grades(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Stated]:
    for m in GRADE.finditer(text, lo, len(text) if hi is None else hi):
        prev = text[m.start() - 1:m.start()]
        if prev and (prev.isdigit() or prev in "第"):
            continue  # 第一级, 12等 are not grades
        yield Stated("grade", Range(), m.start(), m.end(), m.group(2),
                     frozenset(_grade_set(m.group(1))))


def _grade_set(text: str) -> set[int]:
    values = [_GRADE_CH[ch] for ch in text if ch in _GRADE_CH]
    if re.search(r"[至到~～\-—]", text) and len(values) == 2:
        return set(range(min(values), max(values) + 1))
    return set(values)


def stated(text: str, kinds: Sequence[tuple[str, str]], lo: int = 0,
           hi: int | None = None) -> list[Stated]:
    """The quantities of the given (kind, unit) pairs that ``text[lo:hi]`` states."""
    out: list[Stated] = []
    for kind, unit in dict.fromkeys(kinds):
        if kind == "scale":
            out.extend(_scales(text, lo, hi))
        elif kind == "grade":
            out.extend(_grades(text, lo, hi))
        else:
            out.extend(_measures(kind, text, unit, lo, hi))
    return out


def parse_condition(kind: str, written: str, of: Sequence[str] = ()) -> Quantity:
    """An item's quantity condition as the catalogue writes it. QuantityError when unreadable."""
    text = re.sub(r"\s+", "", written).replace("∶", ":").replace("：", ":")
    if kind not in KINDS:
        raise QuantityError(kind)
    if kind == "grade":
        found = list(_grades(text))
        if not found:
            raise QuantityError(written)
        grades = set().union(*(g.grades for g in found))
        tail = text[found[-1].end:]
        if tail.startswith(("以上", "及以上")):
            grades = set(range(1, max(grades) + 1))
        elif tail.startswith(("以下", "及以下")):
            grades = set(range(min(grades), 10))
        return Quantity(kind, written, Range(), found[0].unit, frozenset(grades), tuple(of))
    if kind == "scale":
        scales = list(_scales(text))
        if len(scales) != 1 or scales[0].end - scales[0].start != len(text.rstrip("比例尺")):
            bound = _prefix_scale(text)
            if bound is None:
                raise QuantityError(written)
            return Quantity(kind, written, bound, of=tuple(of))
        return Quantity(kind, written, scales[0].range, of=tuple(of))
    unit = ""
    if kind in ("value", "count"):
        unit = _unit_of(text, kind)
    found = list(_measures(kind, text, unit))
    if len(found) != 1:
        raise QuantityError(written)
    return Quantity(kind, written, found[0].range, unit, of=tuple(of))


def _prefix_scale(text: str) -> Range | None:
    """``比例尺大于1:5万``, ``大于等于1:1万`` and the like (bound word before the scale)."""
    m = re.fullmatch(rf"(?:比例尺)?({_BEFORE_RE})?(?:比例尺)?1:({NUM})(比例尺)?({_AFTER_RE})?"
                     rf"(?:比例尺)?", text)
    if m is None:
        return None
    value = number(m.group(2))
    if value is None:
        return None
    return _bound(value, m.group(1), m.group(4), scale=True)


def _unit_of(text: str, kind: str) -> str:
    """The unit of a ``value`` (立方米 in 1亿立方米以上) or the counter of a ``count``."""
    body = re.sub(rf"^(?:{_BEFORE_RE})", "", text)
    body = re.sub(rf"(?:{_AFTER_RE})$", "", body)
    m = re.match(rf"(?:{NUM})(?:{RANGE_SEP}(?:{NUM}))?(.+)$", body)
    if m is None or not m.group(1):
        raise QuantityError(text)
    unit = m.group(1)
    if kind == "count" and (len(unit) != 1 or unit not in COUNTERS):
        raise QuantityError(text)
    return unit


BOUNDED = re.compile(rf"(?:{_BEFORE_RE})?"
                     rf"(?:1:{NUM}|{NUM}(?:平方千米|平方公里|公顷|万亩|亩|千米|公里))"
                     rf"(?:{RANGE_SEP}(?:1:)?{NUM})?(?:比例尺)?(?:{_AFTER_RE})?")


def quantity_conditions(title: str) -> list[dict[str, str]]:
    """Quantity conditions a catalogue title states (for ``catalog import`` to propose):
    ``1:1万及更大比例尺…`` → scale, ``大于25平方千米`` → area, ``一、二等`` → grade."""
    text = re.sub(r"\s+", "", title).replace("∶", ":").replace("：", ":")
    out: list[dict[str, str]] = []
    for m in BOUNDED.finditer(text):
        chunk = m.group(0)
        has_bound = any(w in chunk for w, _, _ in (*BEFORE, *AFTER)) or re.search(RANGE_SEP,
                                                                                   chunk)
        if not has_bound:
            continue
        kind = "scale" if "1:" in chunk else "area" if re.search(r"平方|公顷|亩", chunk) \
            else "length"
        try:
            parse_condition(kind, chunk)
        except QuantityError:
            continue
        out.append({kind: chunk})
    for m in GRADE.finditer(text):
        if len(_grade_set(m.group(1))) and ("、" in m.group(1) or "至" in m.group(1)):
            out.append({"grade": m.group(0)})
    return out
