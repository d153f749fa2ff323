"""The `oncall` block of mkdocs.yml (SPEC "On-call load"); the top-level `pmkb.settings` imports it."""

from __future__ import annotations

import re
from datetime import time

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = ["OncallSettings"]

_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class OncallSettings(BaseModel):
    """On-call load (SPEC "On-call load"): the zone weeks and working hours are read in.

    ```yaml
    oncall:
      timezone: Europe/London      # IANA name (zoneinfo); weeks start Monday 00:00 here
      working_hours: 09:00-18:00   # Monday to Friday; a page at 18:00 is out of hours
    ```
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "UTC"
    working_hours: str = "09:00-18:00"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as 'UTC', 'Europe/London' or 'America/New_York'"
            ) from None
        return value

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        found = _HOURS.match(value.strip())
        if not found or _minute_of(found, 1) >= _minute_of(found, 3) or _minute_of(found, 3) > 24 * 60:
            raise ValueError(f"working_hours {value!r} must be HH:MM-HH:MM with the start before the end, e.g. '09:00-18:00'")
        return value.strip()

    @property
    def zone(self):  # type: ignore[no-untyped-def]
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    @property
    def hours(self) -> tuple[time, time | None]:
        """(start, end) of the working day; end None means midnight (24:00)."""
        found = _HOURS.match(self.working_hours)
        assert found is not None  # validated
        start = time(int(found.group(1)), int(found.group(2)))
        end_h, end_m = int(found.group(3)), int(found.group(4))
        return start, None if end_h == 24 else time(end_h, end_m)


def _minute_of(found: re.Match[str], group: int) -> int:
    return int(found.group(group)) * 60 + int(found.group(group + 1))
