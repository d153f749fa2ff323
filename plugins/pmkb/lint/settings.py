"""The `blameless` block of mkdocs.yml: extra rules, silenced codes, more names.

Validated when the settings load, so a rule that does not compile is a
configuration error naming the rule and the pattern, never a traceback in the
middle of a build. The top-level `pmkb.settings` imports this model.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .patterns import compile_pattern, phrase_pattern, shipped_data

__all__ = ["BlamelessRule", "BlamelessSettings"]

_BL_CODE = r"^BL\d{3,}$"


class BlamelessRule(BaseModel):
    """One blameless-language rule; the shipped ones (pmkb/data/blameless.yml) have the same shape.

    ```yaml
    - code: BL101
      phrases: ["dropped the ball"]        # literal, case-insensitive, whole words
      patterns: ['{person} dithered\\b']   # regular expressions with {slots}
      message: judges a person
      hint: Say which signal was missing.
    ```
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=_BL_CODE)
    patterns: list[str] = []
    phrases: list[str] = []
    message: str = Field(min_length=1)
    hint: str = Field(min_length=1)
    # A match is dropped when one of these also matches in the same sentence.
    unless: list[str] = []

    @model_validator(mode="after")
    def _compiles(self) -> BlamelessRule:
        if not self.patterns and not any(p.strip() for p in self.phrases):
            raise ValueError(f"rule {self.code} needs at least one of `patterns` or `phrases`")
        for name, raw in self.written_patterns():
            compile_pattern(raw, f"{self.code} {name}")  # cached: the rule set reuses it
        return self

    def written_patterns(self) -> list[tuple[str, str]]:
        """(where, pattern) for every pattern, phrase and exception of the rule, phrases as patterns."""
        return [
            *((f"patterns[{i}]", p) for i, p in enumerate(self.patterns)),
            *((f"phrases[{i}]", phrase_pattern(p)) for i, p in enumerate(self.phrases) if p.strip()),
            *((f"unless[{i}]", p) for i, p in enumerate(self.unless)),
        ]


class BlamelessSettings(BaseModel):
    """The blameless-language linter (pmkb.lint): add rules, silence codes, name people.

    ```yaml
    blameless:
      enabled: true
      rules: [...]              # extra rules; a shipped code here replaces that rule
      disable: [BL008]          # codes to silence everywhere
      names: [Alex Kim]         # people besides the postmortem's own authors/IC/owners
    ```
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    rules: list[BlamelessRule] = []
    disable: list[Annotated[str, Field(pattern=_BL_CODE)]] = []
    names: list[str] = []

    @model_validator(mode="after")
    def _disabled_codes_exist(self) -> BlamelessSettings:
        known = {str(rule.get("code")) for rule in shipped_data().get("rules") or []} | {r.code for r in self.rules}
        unknown = sorted(set(self.disable) - known)
        if unknown:
            raise ValueError(f"disable: no rule {', '.join(unknown)} (rules: {', '.join(sorted(known))})")
        return self
