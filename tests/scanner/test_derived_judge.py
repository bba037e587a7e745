"""The derived-classification rules, table-driven (the finding-code table of tests/support/cases.py
is for single documents; these need a document and its sources)."""

from __future__ import annotations

import pytest

from markers.codes import CODES, CROSS_DOCUMENT
from scanner.derived.index import LONG_TERM_MONTHS, Meta, months_of
from scanner.derived.judge import Source, judge

AS_OF = "2026-06-30"


def meta(mark: str | None, *, expires: str | None = "2040-01-01", cancelled: bool = False,
         hits: int = 0, name: str = "doc") -> Meta:
    if mark is None:
        return Meta(name, name, "0" * 64, None, None, None, None, False, hits)
    level, _, term = mark.partition("★")
    months = (LONG_TERM_MONTHS if term == "长期" else int(term[:-1]) * 12 if term.endswith("年")
              else int(term[:-2]) if term.endswith("个月") else None)
    return Meta(name, name, "0" * 64, level, mark, months, expires, cancelled, hits)


def src(mark: str | None, *, copies: bool = True, **kw: object) -> Source:
    return Source(meta(mark, name="source", **kw), copies, ())  # type: ignore[arg-type]


CASES = [
    # (case, own mark, own catalogue hits, sources, expected codes)
    ("same mark", "机密★10年", 0, [src("机密★10年")], []),
    ("unmarked copy", None, 0, [src("机密★10年")], ["DERIVED_BELOW_SOURCE"]),
    ("lower level", "秘密★10年", 0, [src("机密★10年")], ["DERIVED_BELOW_SOURCE"]),
    ("shorter term", "机密★5年", 0, [src("机密★10年")], ["DERIVED_BELOW_SOURCE"]),
    ("higher level", "绝密★10年", 0, [src("机密★10年")], ["DERIVED_ABOVE_SOURCE"]),
    ("longer term", "机密★20年", 0, [src("机密★10年")], ["DERIVED_ABOVE_SOURCE"]),
    ("长期 is longest", "机密★长期", 0, [src("机密★20年")], ["DERIVED_ABOVE_SOURCE"]),
    ("higher with a catalogue hit", "绝密★10年", 1, [src("机密★10年")], []),
    ("compilation takes the highest", "机密★10年", 0, [src("机密★10年"), src("秘密★10年")], []),
    ("compilation below its highest", "秘密★10年", 0, [src("机密★10年"), src("秘密★10年")],
     ["DERIVED_BELOW_SOURCE"]),
    ("longest period at the top level", "机密★10年", 0,
     [src("机密★20年"), src("秘密★10年")], ["DERIVED_BELOW_SOURCE"]),
    ("citation alone is not below", None, 0, [src("机密★10年", copies=False)], []),
    ("citation can be above", "绝密★10年", 0, [src("机密★10年", copies=False)],
     ["DERIVED_ABOVE_SOURCE"]),
    ("expired source justifies nothing", None, 0, [src("机密★5年", expires="2020-01-01")], []),
    ("every source expired, still marked", "机密★5年", 0, [src("机密★5年", expires="2020-01-01")],
     ["SOURCE_DECLASSIFIED"]),
    ("cancelled source", "秘密★5年", 0, [src("秘密★5年", cancelled=True)],
     ["SOURCE_DECLASSIFIED"]),
    ("one live source of two", "秘密★5年", 0,
     [src("秘密★5年", expires="2020-01-01"), src("秘密★5年")], []),
    ("unmarked source is no source", None, 0, [src(None)], []),
    ("解密 date not comparable", "机密★10年", 0, [src("机密★2030年1月1日")], []),
]


@pytest.mark.parametrize(("case", "own", "hits", "sources", "codes"), CASES,
                         ids=[c[0] for c in CASES])
def test_derived_rules(case: str, own: str | None, hits: int, sources: list[Source],
                       codes: list[str]) -> None:
    found = judge(meta(own, hits=hits), sources, AS_OF)
    assert [f["code"] for f in found] == codes
    for f in found:
        assert f["stage"] == "derived"
        assert f["severity"] == CODES[f["code"]][0]
        assert "source" in f["message_en"] and "来源" in f["message_zh"]


def test_terms_compared_as_written() -> None:
    """A 机密★10年 document derived from a 机密★10年 source is consistent though issued later:
    the periods are compared as written, not as end dates."""
    own = meta("机密★10年", expires="2036-01-01")
    assert judge(own, [src("机密★10年", expires="2034-01-01")], AS_OF) == []


def test_months_as_written() -> None:
    assert months_of({"term_kind": "years", "years": 5, "months": None, "level": "机密"}) == 60
    assert months_of({"term_kind": "months", "years": None, "months": 6, "level": "秘密"}) == 6
    assert months_of({"term_kind": "none", "level": "机密"}) == 240  # statutory maximum
    assert months_of({"term_kind": "long_term", "level": "秘密"}) == LONG_TERM_MONTHS
    assert months_of({"term_kind": "condition", "level": "绝密"}) is None


def test_every_cross_document_code_has_a_raising_and_a_clean_case() -> None:
    for code in CROSS_DOCUMENT:
        assert any(code in c[4] for c in CASES), code
        assert any(code not in c[4] for c in CASES), code
