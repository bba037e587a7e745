"""Stock phrases (公文套话): a shared passage made almost wholly of the words every writer of an
archive uses to urge, organise and conclude (``各单位要高度重视，切实加强组织领导，…``) names no
matter, so it is no evidence that one document copies another, however few documents hold it.
A copied classified passage names its matter: a system, a place, a figure. The phrases are data
(``rules/stock_phrases.yaml``); a passage is stock when they and the sentence's frame characters
between them cover :data:`STOCK_SHARE` of it and it holds no figure."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

import rules

PHRASES_FILE = Path(rules.__file__).resolve().parent / "stock_phrases.yaml"
STOCK_SHARE = 0.85  # of a passage's characters covered by stock phrases and frame characters


@cache
def _lexicon() -> tuple[dict[str, frozenset[str]], frozenset[str], int]:
    """The phrases by first character, the frame characters, the longest phrase's length."""
    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    by_first: dict[str, set[str]] = {}
    for phrase in data.get("phrases", []):
        text = "".join(ch for ch in str(phrase) if ch.isalnum())
        if text:
            by_first.setdefault(text[0], set()).add(text)
    longest = max((len(p) for ps in by_first.values() for p in ps), default=1)
    return ({k: frozenset(v) for k, v in by_first.items()},
            frozenset(str(data.get("glue", ""))), longest)


def stock_share(text: str) -> float:
    """The share of a normalized passage (letters and digits only) covered by stock phrases
    (longest first at each place) and frame characters; 0.0 when it holds a figure."""
    if not text or any(ch.isdigit() for ch in text):
        return 0.0
    by_first, glue, longest = _lexicon()
    covered = 0
    i = 0
    while i < len(text):
        found = 0
        for n in range(min(longest, len(text) - i), 1, -1):
            if text[i:i + n] in by_first.get(text[i], ()):
                found = n
                break
        if found:
            covered += found
            i += found
        else:
            covered += text[i] in glue
            i += 1
    return covered / len(text)


def is_stock(text: str) -> bool:
    """Whether a shared normalized passage is stock phrasing, no evidence of copying."""
    return stock_share(text) >= STOCK_SHARE
