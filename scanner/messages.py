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


def printable(name: str) -> str:
    """A file name fit for one line of a terminal or a log: control characters (a newline in a
    name) escaped, bytes that are not UTF-8 shown as ``\\x..`` escapes."""
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)
