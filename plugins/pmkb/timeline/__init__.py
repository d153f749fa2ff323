"""Postmortem timelines from a Slack workspace export (SPEC "Timelines from Slack").

`export` reads the export (zip or folder, with limits), `markup` turns Slack
text into safe Markdown, `build` picks and orders the messages, `render`
writes Markdown or JSON, `into` fills a postmortem's empty Timeline section.
"""

from __future__ import annotations

from .build import Options, build_timeline
from .export import SlackExport, read_export
from .into import write_into
from .model import Entry, TimelineError
from .render import timeline_json, timeline_markdown

__all__ = [
    "Entry",
    "Options",
    "SlackExport",
    "TimelineError",
    "build_timeline",
    "read_export",
    "timeline_json",
    "timeline_markdown",
    "write_into",
]
