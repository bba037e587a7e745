"""The catalogue error: file, line, field, what is wrong and the right form, in two languages."""

from __future__ import annotations


class CatalogError(Exception):
    """A catalogue that cannot be used. ``line`` is 1-based (0 when not known)."""

    def __init__(  # noqa: PLR0917 (the error's fields, in the order it prints them)
        self, path: str, line: int, field: str, message_zh: str, message_en: str, hint: str = ""
    ) -> None:
        self.path, self.line, self.field = path, line, field
        self.message_zh, self.message_en, self.hint = message_zh, message_en, hint
        super().__init__(self.text("en"))

    def text(self, lang: str = "zh") -> str:
        """``path:line: field: message (right form: hint)``."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        message = self.message_zh if lang == "zh" else self.message_en
        hint = ""
        if self.hint:
            hint = f"（正确写法：{self.hint}）" if lang == "zh" else f" (correct form: {self.hint})"
        return f"{where}:{field} {message}{hint}"
