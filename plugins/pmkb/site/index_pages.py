"""The postmortem and runbook index pages (the way into content kept out of the nav)."""

from __future__ import annotations

from .indexes import postmortems_index, runbooks_index
from .feature import BuildContext, Feature, PageMaker

__all__ = ["IndexPages"]


class IndexPages(Feature):
    def pages(self, ctx: BuildContext) -> dict[str, PageMaker]:
        settings = ctx.kb.settings
        return {
            f"{settings.postmortems_dir}/index.md": lambda link: postmortems_index(ctx.kb, ctx.renderer, link, ctx.stash),
            f"{settings.runbooks_dir}/index.md": lambda link: runbooks_index(ctx.kb, ctx.renderer, link, ctx.stash),
        }
