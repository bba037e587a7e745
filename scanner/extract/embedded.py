"""Objects embedded in a Word document: the Word documents and Excel workbooks that Word (and
LibreOffice) keep in a binary document as OLE storages under ``ObjectPool`` (one storage an
object, its anchor a picture character in the text), and in a DOCX as parts under
``word/embeddings/`` (read by :mod:`.docx` with :func:`as_object`). What such an object shows
on the page is read as text of the document, after its own stories: a Word object's blocks and
a workbook's rows, each at ``嵌入对象N.`` and its own location (``嵌入对象1.body.p2``,
``嵌入对象2.Sheet1!A1``).

An object's text stands on the page inside the body, never in the first page's top or in a
header: its blocks are ``body`` blocks (table rows stay ``table``), so a mark found only inside
an object is a misplaced one. Its own properties, headers and footers (a sheet's print header)
are not on the document's page and are left out. An object that cannot be read (damaged,
encrypted, another kind) is skipped: the document itself was read. At most
:data:`MAX_OBJECTS` objects and :data:`MAX_OBJECT_BYTES` of their streams are read.
"""

from __future__ import annotations

from collections.abc import Callable

import olefile

from markers import Block

MAX_OBJECTS = 50
MAX_OBJECT_BYTES = 64 << 20
POOL = "ObjectPool/"


def _storages(streams: set[str]) -> list[str]:
    """The object storages (``ObjectPool/_1234/``) in the order of their names."""
    found = {s.split("/")[1] for s in streams if s.startswith(POOL) and s.count("/") == 2}
    return [f"{POOL}{name}/" for name in sorted(found)]


WordReader = Callable[[olefile.OleFileIO, set[str], str], list[Block]]


def _object(ole: olefile.OleFileIO, streams: set[str], prefix: str,
            read_word: WordReader) -> list[Block]:
    own = {s[len(prefix):].lower(): s for s in streams if s.startswith(prefix)}
    if "worddocument" in own:
        return read_word(ole, streams, prefix)
    book = own.get("workbook") or own.get("book")
    if book is not None:
        from scanner.extract.biff import biff_sheets  # noqa: PLC0415
        from scanner.extract.sheet import blocks_of  # noqa: PLC0415

        blocks, _ = blocks_of(biff_sheets(ole.openstream(book).read()), [])
        return blocks
    return []


def embedded_blocks(ole: olefile.OleFileIO, streams: set[str], first: int,
                    read_word: WordReader) -> list[Block]:
    """The blocks of the Word and Excel objects embedded in the document, numbered on from
    ``first``; ``read_word`` reads a Word storage (the caller's reader: this module does not
    import it)."""
    out: list[Block] = []
    budget = MAX_OBJECT_BYTES
    for n, prefix in enumerate(_storages(streams)[:MAX_OBJECTS], 1):
        size = sum(ole.get_size(s) for s in streams if s.startswith(prefix))
        if size > budget:
            break
        budget -= size
        try:
            blocks = _object(ole, streams, prefix, read_word)
        except Exception:  # an unreadable object is skipped: the document itself was read
            continue
        out += as_object(blocks, n, first + len(out))
    return out


def as_object(blocks: list[Block], n: int, first: int) -> list[Block]:
    """The blocks of object ``n`` as text of the document that embeds it (see the module's
    description), numbered on from ``first``."""
    out: list[Block] = []
    for b in blocks:
        if b.region not in ("props", "header", "footer"):
            out.append(b._replace(location=f"嵌入对象{n}.{b.location}",
                                  region="table" if b.region == "table" else "body",
                                  order=first + len(out)))
    return out
