"""Errors are values: a code, the place, the offending text, and one clear sentence.

>>> e = InputError("not_a_number", text="abc", region="320000", indicator="INV_GRANTS", period="2022")
>>> e.message("en")
"320000 · INV_GRANTS · 2022: 'abc' is not a number"
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .messages import render


def one_line(text: str) -> str:
    """Escape line breaks and other control characters so a message stays one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


@dataclass
class IpdeskError(Exception):
    """Base error: ``code`` selects the sentence, the rest fills the place."""

    code: str
    text: str | None = None
    region: str | None = None
    indicator: str | None = None
    period: str | None = None
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    params: dict = field(default_factory=dict)

    def place(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell, self.region, self.indicator, self.period) if p]
        return " · ".join(one_line(str(p)) for p in parts)

    def message(self, lang: str = "zh") -> str:
        """One sentence on one line: control characters in user text are shown escaped."""
        text = None if self.text is None else one_line(str(self.text))
        params = {k: one_line(v) if isinstance(v, str) else v for k, v in self.params.items()}
        body = render(self.code, lang, text=text, **params)
        where = self.place()
        return f"{where}: {body}" if where else body

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("code", "text", "region", "indicator", "period", "file", "sheet", "cell")}
        d = {k: v for k, v in d.items() if v is not None}
        d["message"] = self.message("en")
        d["message_zh"] = self.message("zh")
        return d

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.message("en")


class Cancelled(Exception):
    """Long work stopped because the user pressed Cancel (not an error: nothing was written)."""


class InputError(IpdeskError):
    """The user typed or imported something we refuse (nothing was written)."""


class LockedError(IpdeskError):
    """The region-year is approved/locked and refuses changes."""


class NotFoundError(IpdeskError):
    """An unknown region, indicator, pack, target or user."""


class AuthError(IpdeskError):
    """Wrong password or missing role."""
