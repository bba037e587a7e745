"""The extracted document: its identity, its blocks with locations, and some metadata."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markers import Block


@dataclass(frozen=True)
class Document:
    """What an extractor produces. ``spacing_reliable`` is False where the text layer invents
    spaces (PDF), so spacing inside a mark is not held against the author there."""

    path: Path
    kind: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    meta: dict[str, str] = field(default_factory=dict)
    spacing_reliable: bool = True


def pack(doc: Document) -> bytes:
    """The document's text and locations, compressed (the audit's text cache)."""
    body = {"kind": doc.kind, "pages": doc.pages, "meta": doc.meta,
            "spacing_reliable": doc.spacing_reliable, "blocks": [list(b) for b in doc.blocks]}
    return zlib.compress(json.dumps(body, ensure_ascii=False).encode("utf-8"), 6)


def unpack(path: Path, body: dict[str, Any]) -> Document:
    """The document :func:`pack` stored (``body`` is its decompressed JSON)."""
    blocks = tuple(Block(*b) for b in body["blocks"])
    return Document(path, body["kind"], blocks, body["pages"], body["meta"],
                    body["spacing_reliable"])
