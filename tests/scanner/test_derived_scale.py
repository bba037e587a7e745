"""The derived index at scale: vectorized winnowing equal to the plain one, the compact table,
look-ups that never read a boilerplate fingerprint's rows, removal without an index by document,
and an index of the first layout rebuilt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.derived.fingerprint import (
    BITS,
    BREAK,
    fingerprints,
    fingerprints_reference,
    kgram_hash,
    normalize_blocks,
)
from scanner.derived.index import Writer, facts_of

_CHARS = st.one_of(st.sampled_from(["a", "b", "中", "文", BREAK, "Ω", "𠀀", "\U0010fffd"]),
                   st.characters(min_codepoint=1, max_codepoint=0x10FFFF))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_CHARS, max_size=120))
def test_vectorized_winnowing_is_the_plain_one(text: str) -> None:
    """Every k-gram hash and every choice (the rightmost minimum, breaks respected) as the
    plain Python; the fingerprint is the hash's top bits."""
    assert fingerprints(text) == [(h >> (63 - BITS), p) for h, p in fingerprints_reference(text)]


def test_fingerprints_fit_six_bytes() -> None:
    body = "经实地勘察北岭前进保障基地现有技术升级能力" * 30
    text = normalize_blocks(["关于做好有关工作的通知", body]).text
    prints = fingerprints(text)
    assert prints and all(0 <= h < 2**BITS <= 2**47 for h, _ in prints)
    assert kgram_hash(text[:8]) >> (63 - BITS) in {h for h, _ in fingerprints(text[:8])}


def _doc(i: int, body: str) -> list[str]:
    return ["关于做好有关工作的通知", f"第{i}号文件的正文。" + body]


SHARED = "各单位要严格落实值守制度按季度核查储备定额并上报主管部门备案"


def _index(tmp_path: Path, n: int) -> tuple[sqlite3.Connection, Writer]:
    conn = sqlite3.connect(str(tmp_path / "a.sqlite"), isolation_level=None)
    writer = Writer(conn)
    for i in range(n):
        own = "".join(chr(0x4E00 + (i * 97 + k * 31) % 20000) for k in range(60))
        writer.add(facts_of(f"{i:064x}", _doc(i, own + SHARED + own[::-1]), {}))
    writer.flush_prints()
    return conn, writer


def test_table_has_one_btree(tmp_path: Path) -> None:
    conn, _ = _index(tmp_path, 3)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='derived_fp'").fetchone()[0]
    assert "WITHOUT ROWID" in sql
    indexes = conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND "
                           "tbl_name='derived_fp' AND sql IS NOT NULL").fetchall()
    assert indexes == []


def test_lookup_caps_boilerplate(tmp_path: Path) -> None:
    """A fingerprint every document holds comes back as boilerplate, without its rows."""
    conn, writer = _index(tmp_path, 12)
    every = {h for (h,) in conn.execute("SELECT hash FROM derived_fp GROUP BY hash "
                                        "HAVING COUNT(DISTINCT doc) = 12")}
    assert every
    rows, common = writer.lookup(every, 5)
    assert common == every and rows == []
    rows, common = writer.lookup(every, 12)
    assert common == set() and len({d for _, d, _ in rows}) == 12


def test_remove_by_prints_and_by_scan(tmp_path: Path) -> None:
    conn, writer = _index(tmp_path, 4)
    before = conn.execute("SELECT COUNT(*) FROM derived_fp").fetchone()[0]
    ids = dict(conn.execute("SELECT sha256, id FROM derived_docs"))
    own = "".join(chr(0x4E00 + (0 * 97 + k * 31) % 20000) for k in range(60))
    prints = facts_of("x", _doc(0, own + SHARED + own[::-1]), {}).prints
    writer.remove([f"{0:064x}"], lambda _: prints)
    writer.remove([f"{1:064x}"])  # no stored text: one pass over the table
    left = {d for (d,) in conn.execute("SELECT DISTINCT doc FROM derived_fp")}
    assert left == {ids[f"{2:064x}"], ids[f"{3:064x}"]}
    assert conn.execute("SELECT COUNT(*) FROM derived_fp").fetchone()[0] < before
    assert writer.count() == 2


def test_first_layout_is_rebuilt(tmp_path: Path) -> None:
    conn = sqlite3.connect(str(tmp_path / "old.sqlite"), isolation_level=None)
    conn.executescript("CREATE TABLE derived_docs (id INTEGER PRIMARY KEY, sha256 TEXT);"
                       "CREATE TABLE derived_fp (hash INTEGER, doc INTEGER, pos INTEGER);"
                       "CREATE INDEX derived_fp_doc ON derived_fp (doc);"
                       "CREATE TABLE derived_meta (path BLOB PRIMARY KEY);"
                       "INSERT INTO derived_docs VALUES (1, 'a');")
    from scanner.derived.index import Reader  # noqa: PLC0415

    assert not Reader(conn).has_index()  # (read-only: --against asks for a new audit)
    writer = Writer(conn)
    assert writer.count() == 0 and writer.has_index()
    assert "WITHOUT ROWID" in conn.execute("SELECT sql FROM sqlite_master WHERE "
                                           "name='derived_fp'").fetchone()[0]


def test_the_table_keeps_what_isalnum_keeps() -> None:
    import numpy as np  # noqa: PLC0415

    from scanner.derived.fingerprint import _alnum  # noqa: PLC0415

    codes = np.arange(0x110000, dtype=np.uint32)
    assert _alnum(codes).tolist() == [chr(c).isalnum() for c in range(0x110000)]


_PIECES = st.sampled_from([
    "经实地勘察", "，", "。", " ", "\n", "《中华人民共和国保守国家秘密法》", "示例发〔2024〕12号",
    "《某法》第十条规定：“机关应当加强管理。”", "总书记强调：“要做好工作。”", "抄送：各处室",
    "某局办公室2024年3月1日印发", "ΣΑΣ", "İstanbul", "ǅ", "ﬁ", "１２３ＡＢ", "關於", "_", "a_b",
    "①", "Ⅻ", "\u0300", "号", "《", "“", "”", "关于做好有关工作的通知", "机密★10年",
    "《人民日报》评论员文章指出：“要做好工作。”", "同志强调", "：“", "》第三条规定", "〔2024〕"])
_BLOCK = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_BLOCK, max_size=20))
def test_normalize_by_runs_is_the_reference(blocks: list[str]) -> None:
    from scanner.derived.fingerprint import normalize_reference  # noqa: PLC0415

    fast, ref = normalize_blocks(blocks), normalize_reference(blocks)
    assert (fast.text, list(fast.block), list(fast.offset)) == (
        ref.text, list(ref.block), list(ref.offset))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted("經實地勘察關於北嶺前進保障基地現有abc，。"))))
def test_simplified_as_the_table_says(text: str) -> None:
    from scanner.derived.hanzi import T2S, to_simplified  # noqa: PLC0415

    assert to_simplified(text) == text.translate(str.maketrans(T2S))
    assert not any(s in T2S for s in T2S.values())  # one pass is enough
