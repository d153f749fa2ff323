"""Jinja2 rendering of pmkb's page fragments, overridable like Material's templates.

Templates are looked up by name, first in the theme's folders (so a user's
`custom_dir` can hold `pmkb/<name>` to override one), then in the package.
HTML templates autoescape: every value an author wrote is escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape

from .format import duration, md_text

__all__ = ["Renderer"]


class Renderer:
    def __init__(self, theme_dirs: Iterable[str | Path] = ()):
        loaders = [FileSystemLoader([str(Path(d) / "pmkb") for d in theme_dirs])]
        loaders.append(PackageLoader("pmkb", "templates/pages"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            # .md.j2 templates escape through the `md` filter and HTML blocks they embed.
            autoescape=select_autoescape(enabled_extensions=("html", "html.j2", "md.j2"), default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A Renderer lives for one build: no need to stat every template file at every render.
            auto_reload=False,
        )
        self.env.filters["duration"] = duration
        self.env.filters["md"] = md_text

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
