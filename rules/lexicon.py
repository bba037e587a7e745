"""The segmentation dictionary without the wait: jieba's word frequencies looked up on demand.

A jieba tokenizer starts by loading its whole prefix dictionary (half a million entries, about
0.6 s here), although matching one document asks for a few thousand of them. This module keeps
that dictionary in an SQLite file built once per machine (in the cache folder) and gives the
tokenizer a mapping that reads it word by word, remembering what it read. The catalogue's terms
are added to it exactly as ``Tokenizer.add_word`` adds them (same frequencies, same total, in
the same order); that overlay is computed once per term set and cached by its content hash.

Both ways give the same tokenizer state, so the same segmentation and the same hits: the lazy
one for a single ``check``, the whole dictionary in memory for workers that match thousands of
documents (:meth:`rules.matcher.Matcher.warm`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

VERSION = 1


class Lexicon:
    """A read-only word → frequency mapping in SQLite with an in-memory overlay and memo; it has
    what a jieba tokenizer asks of its ``FREQ`` dict (``in``, ``[]``, ``get``, assignment)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.total = int(self.conn.execute("SELECT v FROM meta WHERE k='total'").fetchone()[0])
        self.known: dict[str, int | None] = {}
        self.overlay: dict[str, int] = {}

    def get(self, word: str, default: Any = None) -> Any:
        if word in self.overlay:
            return self.overlay[word]
        known = self.known
        if word in known:
            value = known[word]
        else:
            row = self.conn.execute("SELECT f FROM w WHERE k=?", (word,)).fetchone()
            value = known[word] = row[0] if row else None
        return default if value is None else value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return int(value)

    def __setitem__(self, word: str, freq: int) -> None:
        self.overlay[word] = freq


def _dictionary_file() -> Path:
    import jieba  # noqa: PLC0415

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def lexicon_file(cache_dir: Path) -> Path:
    """The SQLite form of jieba's dictionary, built on first use (atomically; a concurrent
    builder's file is as good as ours)."""
    import jieba  # noqa: PLC0415

    source = _dictionary_file()
    st = source.stat()
    path = cache_dir / f"lexicon-{VERSION}-{jieba.__version__}-{st.st_size}.sqlite"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as fh:
        freq, total = jieba.Tokenizer.gen_pfdict(fh)
    fd, tmp = tempfile.mkstemp(prefix=".lexicon-", suffix=".tmp", dir=cache_dir)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        conn.execute("CREATE TABLE w (k TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
        conn.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        conn.executemany("INSERT INTO w VALUES (?, ?)", freq.items())
        conn.execute("INSERT INTO meta VALUES ('total', ?)", (str(total),))
        conn.commit()
        conn.close()
        Path(tmp).replace(path)
    finally:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
    return path


def _overlay_file(cache_dir: Path, words: Sequence[str]) -> Path:
    digest = hashlib.sha256("\x1f".join(words).encode("utf-8")).hexdigest()[:24]
    return cache_dir / f"terms-{VERSION}-{digest}.marshal"


def _blank_tokenizer(lexicon: Lexicon) -> Any:
    import jieba  # noqa: PLC0415

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = lexicon, lexicon.total, True
    return tk


def overlay(words: Sequence[str], cache_dir: Path) -> tuple[dict[str, int], int]:
    """What adding ``words`` (in order) with ``Tokenizer.add_word`` changes: the entries set and
    the new total. Cached by the words' hash."""
    path = _overlay_file(cache_dir, words)
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        entries, total = marshal.loads(path.read_bytes())
        return dict(entries), int(total)
    lexicon = Lexicon(lexicon_file(cache_dir))
    tk = _blank_tokenizer(lexicon)
    for word in words:
        tk.add_word(word)
    result = (dict(lexicon.overlay), int(tk.total))
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(prefix=".terms-", suffix=".tmp", dir=cache_dir)
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(result))
        Path(tmp).replace(path)
    return result


def tokenizer(words: Sequence[str], cache_dir: Path, *, whole: bool) -> Any:
    """A jieba tokenizer that knows ``words`` (two characters or more, in this order), reading
    its dictionary on demand, or (``whole``) with all of it in memory. Where the cache folder
    cannot hold the dictionary file, the dictionary is loaded whole and the words added one by
    one: slower to start, the same tokenizer."""
    import jieba  # noqa: PLC0415

    try:
        added, total = overlay(words, cache_dir)
    except (OSError, sqlite3.Error):
        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.initialize()
        for word in words:
            tk.add_word(word)
        return tk
    if not whole:
        lexicon = Lexicon(lexicon_file(cache_dir))
        lexicon.overlay.update(added)
        tk = _blank_tokenizer(lexicon)
        tk.total = total
        return tk
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(cache_dir)
    tk.initialize()
    tk.FREQ.update(added)
    tk.total = total
    return tk
