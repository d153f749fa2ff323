"""The `pmkb` plugin's options in mkdocs.yml.

MkDocs only checks the outer types here; `pmkb.settings.Settings` validates
the whole block (the CLI reads the same block through the same model).

Example:

```yaml
plugins:
  - search
  - tags
  - pmkb:
      recurrence_window_days: 90
      jira:
        mode: auto
        require_tickets: true
```
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class PmkbConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # Where the content lives, relative to mkdocs.yml
    postmortems_dir = c.Optional(c.Type(str))
    runbooks_dir = c.Optional(c.Type(str))
    incident_types_file = c.Optional(c.Type(str))

    # Rules
    severities = c.Optional(c.Type(dict))
    recurrence_window_days = c.Optional(c.Type(int))
    required_sections = c.Optional(c.Type(dict))
    runbooks_stale_after_days = c.Optional(c.Type(int))
    blameless = c.Optional(c.Type(dict))

    # Jira
    jira = c.Optional(c.Type(dict))

    # On-call load
    oncall_dir = c.Optional(c.Type(str))
    oncall = c.Optional(c.Type(dict))

    # Publishing
    public_build = c.Optional(c.Type(bool))

    # Safety: content files larger than this many bytes are refused with an error
    max_file_bytes = c.Optional(c.Type(int))
