"""The one error root and its kinds. Findings are results; these mean the job could not be done.

Every error carries a Chinese and an English message so the CLI and the reports can show a reason a
person understands, never a traceback.
"""

from __future__ import annotations

from scanner.messages import Msg


class ScanError(Exception):
    """Root of every error dingmi raises on purpose."""

    exit_code = 2

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    @property
    def msg(self) -> Msg:
        """The message in both languages."""
        return Msg(self.message_zh, self.message_en)

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return self.message_zh if lang == "zh" else self.message_en


class ExtractError(ScanError):
    """The file could not be read: damaged, encrypted, too large, not what its name says."""

    exit_code = 3


class NeedsOcr(ScanError):
    """The text is in pictures (a scanned page, an image file): it needs OCR to be checked.
    The report's status is ``needs_ocr``, never a clean ``ok``."""

    exit_code = 3


class UnsupportedFormat(ScanError):
    """A format dingmi does not read (yet)."""

    exit_code = 3


class ConfigError(ScanError):
    """Bad options, configuration or catalogue."""

    exit_code = 2


class WorkerError(ScanError):
    """A worker process could not be started (the machine, not a file, is at fault)."""

    exit_code = 2


class OutputError(ScanError):
    """A report or output could not be written (the disk, the folder, a name too long): the
    environment, not the document, is at fault."""

    exit_code = 2
