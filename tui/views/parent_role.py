"""Provides a client's role in the family as the client form takes and shows it.

The role (the mother, who is pregnant or gave birth, or her partner) decides which parent a
scale written for one of them is asked of, and splits the outcomes; the form takes it in either
language.
"""

from __future__ import annotations

from hecht.scales.perinatal import ParentRole
from hecht.tui.i18n import Messages

TYPED = {
    "mother": ParentRole.MOTHER, "moeder": ParentRole.MOTHER,
    "partner": ParentRole.PARTNER, "father": ParentRole.PARTNER, "vader": ParentRole.PARTNER,
}  # fmt: skip
"""Every way the form takes a role, lower-case, in both languages. No single letters: in Dutch
"m" reads as "man" as readily as "moeder", and a wrong role asks the wrong parent's scale."""


def typed_role(typed: str) -> ParentRole:
    """The role typed in the form (a field left empty records none, and is not asked here).

    Raises:
        ValueError: the text names no role.
    """
    try:
        return TYPED[typed.strip().lower()]
    except KeyError:
        raise ValueError(typed) from None


def role_word(role: str | None, text: Messages) -> str:
    """A stored role in the user's words ("" when none is recorded)."""
    return "" if role is None else text(f"report.outcomes.role.{role}")
