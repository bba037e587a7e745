"""The one shape of bilingual text: a :class:`Msg` holds the Chinese and the English wording.

Every message a person reads (errors, reasons in reports, progress lines, ledger text) is a
``Msg``; ``msg.text(lang)`` picks the language a command was asked for (``--lang``). A ``Msg`` is a
named pair, so ``zh, en = msg`` still works where both are wanted (reports carry both).
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Msg(NamedTuple):
    """A message in Chinese and English."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        """The wording in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en

    def format(self, **values: Any) -> Msg:
        """Both wordings with ``{name}`` fields filled in."""
        return Msg(self.zh.format(**values), self.en.format(**values))
