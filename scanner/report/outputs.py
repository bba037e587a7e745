"""The per-file outputs, by name: what ``--format`` offers, each with its file suffix and renderer.

A renderer turns a report's JSON form into bytes; renderers run where the report is made (a worker
process), and the caller writes what they return. Adding a per-file output is one entry here: the
``--format`` choices, their help text and the README's table (kept in step by a test) follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.messages import Msg
from scanner.report.html import render
from scanner.report.model import encode_json

Rendered = tuple[tuple[str, bytes], ...]  # (file suffix, content) for each output asked for


@dataclass(frozen=True)
class FileOutput:
    """One per-file output: its ``--format`` name, file suffix, renderer and description."""

    name: str
    suffix: str
    render: Callable[[dict[str, Any], str], bytes]
    what: Msg
    page: bool = False  # a page for people: what links to a file's report point at


def _json(data: dict[str, Any], lang: str) -> bytes:
    del lang  # the JSON form carries both languages
    return encode_json(data)


def _html(data: dict[str, Any], lang: str) -> bytes:
    return render(data, lang).encode("utf-8", "backslashreplace")


FILE_OUTPUTS: dict[str, FileOutput] = {o.name: o for o in (
    FileOutput("json", ".report.json", _json,
               Msg("机器可读的 JSON 报告（字段见 docs/report-schema.md）",
                   "the machine-readable JSON report (fields in docs/report-schema.md)")),
    FileOutput("html", ".report.html", _html,
               Msg("一页自包含的 HTML 报告（无脚本、无外部资源）",
                   "one self-contained HTML page (no script, no external resource)"), page=True),
)}
DEFAULT_FORMATS = tuple(FILE_OUTPUTS)


def render_files(data: dict[str, Any], formats: Sequence[str], lang: str) -> Rendered:
    """Every output in ``formats`` for the report whose JSON form is ``data``."""
    return tuple((FILE_OUTPUTS[f].suffix, FILE_OUTPUTS[f].render(data, lang)) for f in formats)


def main_suffix(formats: Sequence[str]) -> str:
    """The suffix of the first output in registry order among ``formats`` (the file whose
    presence shows a file's reports were written)."""
    return next(o.suffix for o in FILE_OUTPUTS.values() if o.name in formats)


def link_suffix(formats: Sequence[str]) -> str:
    """What a link to a file's report points at: a page for people when one is written."""
    pages = [o.suffix for o in FILE_OUTPUTS.values() if o.page and o.name in formats]
    return pages[0] if pages else main_suffix(formats)
