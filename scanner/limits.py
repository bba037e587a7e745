"""Limits on what one file may cost, with safe defaults (``--max-*`` options change them).

A file past a limit gets a report with status ``unreadable`` naming the limit; the run goes on.
The time and memory limits per file are enforced by the worker processes of ``audit``
(:mod:`scanner.workers.pool`); the others here, inside extraction. The limits in force are set for
the duration of one file's extraction with :func:`applied`, so the extractors read them without
every call passing them along.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

MB = 1024 * 1024
LIBXML2_MAX_DEPTH = 256  # libxml2's own ceiling without its "huge tree" mode (kept off)
OCR_MODES = ("off", "top", "page1", "all")  # how much of a page without text OCR reads


@dataclass(frozen=True)
class Limits:
    """The limits in force; every field has a safe default."""

    max_file_mb: int = 200  # larger files are not read at all
    max_pages: int = 2000  # PDF pages
    max_unzipped_mb: int = 256  # all parts of a DOCX together, inflated
    max_ratio: int = 500  # inflated : compressed, for any part above 1 MB inflated
    max_xml_depth: int = LIBXML2_MAX_DEPTH  # element nesting in an XML part
    max_package_mb: int = 4096  # all members of a ZIP package together, inflated
    ocr: str = "top"  # pages without text: off, top (then page 1 if no mark), page1, all
    max_megapixels: int = 100  # an image or a page decoded or rendered for OCR, before decoding

    def __post_init__(self) -> None:
        for name in ("max_file_mb", "max_pages", "max_unzipped_mb", "max_ratio",
                     "max_package_mb", "max_megapixels"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not 8 <= self.max_xml_depth <= LIBXML2_MAX_DEPTH:
            raise ValueError(f"max_xml_depth must be between 8 and {LIBXML2_MAX_DEPTH}")
        if self.ocr not in OCR_MODES:
            raise ValueError("ocr must be off, top, page1 or all")


class _Budget:
    """What one file's extraction has inflated so far."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.inflated = 0


_CURRENT: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("dingmi_limits",
                                                                         default=None)
DEFAULT = Limits()


@contextlib.contextmanager
def applied(limits: Limits) -> Iterator[None]:
    """Put ``limits`` in force (with a fresh inflation budget) for the block."""
    token = _CURRENT.set(_Budget(limits))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Limits:
    """The limits in force (the defaults outside :func:`applied`)."""
    budget = _CURRENT.get()
    return budget.limits if budget is not None else DEFAULT


def charge_inflated(size: int) -> int:
    """Count ``size`` inflated bytes against the file's budget; returns the total so far."""
    budget = _CURRENT.get()
    if budget is None:
        return size
    budget.inflated += size
    return budget.inflated
