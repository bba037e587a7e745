"""The name of each finding code (and of each reason a file was not read) in Chinese and English,
for people who act on them (the gate's reasons in the API and the watch log): the names of
:mod:`scanner.names`, the one catalogue, so the gate says what every other output says."""

from __future__ import annotations

from scanner.messages import Msg
from scanner.names import CODES, STATUS

CODE_NAMES: dict[str, Msg] = {
    **CODES, **{status: STATUS[status] for status in ("unreadable", "unsupported", "needs_ocr")}}


def code_name(code: str) -> Msg:
    """The name of ``code`` (the code itself when it has none)."""
    return CODE_NAMES.get(code, Msg(code, code))
