"""Page URLs, computed the way MkDocs does (`use_directory_urls`, `site_url`).

The one URL function of the package: CLI output (`pmkb search`, `pmkb similar`)
reads the options from mkdocs.yml (`site_options`), the site's exports from the
MkDocs config of the build (`BuildContext.urls`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .settings import ConfigFileError, TaggedScalar, read_mkdocs_yml

__all__ = ["SiteOptions", "page_url", "site_options"]


@dataclass(frozen=True, slots=True)
class SiteOptions:
    site_url: str = ""
    use_directory_urls: bool = True


def site_options(config_file: Path) -> SiteOptions:
    """The two keys from mkdocs.yml; defaults when it cannot be read (the command then reports relative URLs)."""
    try:
        raw: Any = read_mkdocs_yml(config_file)
    except ConfigFileError:
        return SiteOptions()
    if not isinstance(raw, dict):
        return SiteOptions()
    url = raw.get("site_url") or ""
    # A tagged value (`site_url: !ENV SITE_URL`) is resolved by MkDocs only: not a URL here.
    literal = isinstance(url, str) and not isinstance(url, TaggedScalar)
    return SiteOptions(
        site_url=url if literal else "",
        use_directory_urls=raw.get("use_directory_urls", True) is not False,
    )


def page_url(rel: str, options: SiteOptions) -> str:
    """'postmortems/2026/pm-1.md' -> 'postmortems/2026/pm-1/' (or '.html' without directory URLs; absolute when site_url is set)."""
    stem = rel[:-3] if rel.endswith(".md") else rel
    if options.use_directory_urls:
        name = stem.rsplit("/", 1)[-1]
        path = stem[: -len(name)] if name in ("index", "README") else stem + "/"
    else:
        path = stem + ".html"
    base = options.site_url
    return (base.rstrip("/") + "/" + path) if base else path
