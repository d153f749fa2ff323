"""Small formatting helpers shared by pages, CLI text and exports."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

__all__ = ["duration", "format_value", "md_text"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!])")


def duration(minutes: float | None) -> str:
    """38 -> '38 min', 110 -> '1 h 50 min'; None -> '—'."""
    if minutes is None:
        return "—"
    total = int(round(minutes))
    hours, mins = divmod(total, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    return f"{hours} h" if hours else f"{mins} min"


def md_text(value: object) -> Markup:
    """Author text made safe for a Markdown line: Markdown-inert, then HTML-escaped.

    In that order, so the '#' of an entity is never backslash-escaped; quotes
    need no entity in text (only <, > and & do).
    """
    return Markup(html.escape(_MD_SPECIAL.sub(r"\\\1", str(value)), quote=False))


def format_value(value: float | None, unit: str) -> str:
    """A number as tables show it: minutes as durations, ratios as percentages."""
    if value is None:
        return "—"
    if unit == "minutes":
        return duration(value)
    if unit == "ratio":
        return f"{value:.0%}"
    return f"{value:g}"
