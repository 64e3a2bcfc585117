"""Provides how a typed text finds a client: in the code or the name, as Unicode's caseless
matching compares (any case, letters beyond ASCII, a letter composed or decomposed alike).

One rule for the caseload's filter on screen and for ``hecht client find``: a client one of them
finds, the other finds too.
"""

from __future__ import annotations

import unicodedata


def folded(text: str) -> str:
    """Text as caseless matching compares it: NFD(casefold(NFD(text)))."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).casefold())


def finds(typed: str, *texts: str | None) -> bool:
    """Whether ``typed`` (its ends stripped) stands in any of ``texts``; an empty text is found
    everywhere."""
    wanted = folded(typed.strip())
    return any(wanted in folded(text or "") for text in texts)
