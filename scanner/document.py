"""The extracted document: its identity, its blocks with locations, and some metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
