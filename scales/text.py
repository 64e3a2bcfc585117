"""Provides bilingual text: labels every definition must give in Dutch and English."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hecht.scales.limits import MAX_LABEL, MAX_TEXT
from hecht.scales.problems import RuleError

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")


class Text(BaseModel):
    """Text in Dutch and/or English; licensed wording may exist in one language only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nl: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    en: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)

    @model_validator(mode="after")
    def _not_empty(self) -> Text:
        if self.nl is None and self.en is None:
            raise RuleError("give the text in Dutch (nl) or English (en)", "no_text")
        return self

    def get(self, language: Language) -> str:
        """Return the text in ``language``, falling back to the other language."""
        fallback = self.en if language == "nl" else self.nl
        return self.only_in(language) or fallback or ""

    def only_in(self, language: Language) -> str | None:
        """Return the text in ``language`` itself, None when it is given only in the other."""
        return self.nl if language == "nl" else self.en


class Label(Text):
    """Short text written by us, which must exist in both languages."""

    nl: str = Field(min_length=1, max_length=MAX_LABEL)
    en: str = Field(min_length=1, max_length=MAX_LABEL)
