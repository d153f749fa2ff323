"""The `jira` block of mkdocs.yml (SPEC "Configuration"); the top-level `pmkb.settings` imports it.

```yaml
jira:
  mode: auto            # auto (sync when JIRA_URL is set, else the cache) | cache | off
  cache: .pmkb/jira-cache.json
  require_tickets: false
  page_size: 100
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["JiraSettings"]


class JiraSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["auto", "cache", "off"] = "auto"
    cache: str = ".pmkb/jira-cache.json"
    require_tickets: bool = False
    page_size: int = Field(default=100, ge=1, le=1000)

    @field_validator("mode", mode="before")
    @classmethod
    def _yaml_off(cls, value: object) -> object:
        # YAML 1.1 reads a bare `mode: off` as the boolean false.
        return "off" if value is False else value
