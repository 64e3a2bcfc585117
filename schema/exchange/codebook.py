"""Provides the codebooks of the CSV export: what each column means, and every item's codes."""

from __future__ import annotations

from typing import Any

from hecht.scales.answers import item_score
from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.perinatal import WEEKS_PAST_DUE_DATE, PerinatalWeek, Phase

WEEK_CODES = {Phase.PREGNANT: "Z", Phase.POSTPARTUM: "PP"}
"""How the export writes a perinatal week: Z31 (zwanger, pregnant 31 weeks) or PP6. A data code
fixed whatever the user's language, so analyses read every file alike; the screens word it."""


def week_code(week: PerinatalWeek | None) -> str | None:
    """The export's code of a perinatal week (``WEEK_CODES``); None when the dates do not tell."""
    return None if week is None else f"{WEEK_CODES[week.phase]}{week.week}"


COLUMNS: dict[str, tuple[str, str]] = {
    "client": ("the client's code, or the study id when pseudonymised", "text"),
    "episode": ("the episode (one referral or pregnancy)", "text"),
    "administration": ("one scale filled in once by one respondent; links long and wide", "text"),
    "version": ("version of the administration (2 or more after a correction)", "integer"),
    "scale": ("scale id, see items.csv", "text"),
    "scale_version": ("version of the scale definition used to score", "text"),
    "respondent": ("who answered: self, partner (about the relationship), clinician", "text"),
    "mode": ("how the answers were entered: interview, paper, self", "text"),
    "observed": ("date the scale was filled in (empty when pseudonymised)", "YYYY-MM-DD"),
    "weeks_since_start": ("whole weeks since the episode began", "integer"),
    "perinatal_week": (
        f"{WEEK_CODES[Phase.PREGNANT]}<n>: pregnant, n weeks; {WEEK_CODES[Phase.POSTPARTUM]}<n>: "
        "n weeks after the birth; empty when the dates do not tell (none recorded, or the due "
        f"date more than {WEEKS_PAST_DUE_DATE} weeks past without a birth date)",
        "text",
    ),
    "occasion": ("1 for the episode's first administration of this scale, then 2, 3 …", "integer"),
    "item": ("item id, the number on the form", "text"),
    "position": ("position of the item on the form, from 1", "integer"),
    "code": ("what was typed: the number beside the box, or its position from 0", "number"),
    "score": ("what the answer counts for, reverse keying applied", "number"),
    "missing": ("1 when the item was not answered", "0/1"),
    "total": ("total score as the scale reports it (after any transform)", "number"),
    "raw_total": ("total before the transform (WHO-5: the raw 0–25)", "number"),
    "band": ("severity band id of the total, see `hecht scales show`", "text"),
    "valid": ("1 when the missing-item rule allows a total", "0/1"),
    "prorated": ("1 when missing items were prorated", "0/1"),
    "missing_items": ("number of unanswered scored items", "integer"),
    "baseline_total": ("total at the episode's first valid administration of the scale", "number"),
    "change": ("total minus baseline_total", "number"),
    "rci": ("Jacobson–Truax reliable change index, change / Sdiff", "number"),
    "reliable": ("1 when |rci| reaches the scale's criterion (1.96 or 1.645)", "0/1"),
    "category": ("recovered, improved, unchanged or deteriorated since baseline", "text"),
    "referral_reasons": ("the episode's referral reasons, separated by ;", "text"),
    "start_phase": ("prenatal or postnatal: was the baby born when the episode began", "text"),
}

LONG_COLUMNS = [
    "client", "episode", "administration", "scale", "scale_version", "observed",
    "weeks_since_start", "perinatal_week", "item", "position", "code", "score", "missing",
]  # fmt: skip
WIDE_COLUMNS = [
    "client", "episode", "administration", "version", "scale", "scale_version", "respondent",
    "mode", "observed", "weeks_since_start", "perinatal_week", "occasion", "total", "raw_total",
    "band", "valid", "prorated", "missing_items", "baseline_total", "change", "rci", "reliable",
    "category", "referral_reasons", "start_phase",
]  # fmt: skip
CODEBOOK_COLUMNS = ["file", "column", "description", "values"]
ITEM_COLUMNS = [
    "scale", "scale_version", "item", "label_en", "label_nl", "code", "score", "option_en",
    "option_nl",
]  # fmt: skip


def codebook_rows(subscale_columns: list[str], pseudonymised: bool) -> list[dict[str, Any]]:
    """Return one row per column of long.csv and wide.csv."""
    rows: list[dict[str, Any]] = []
    for file, columns in (("long.csv", LONG_COLUMNS), ("wide.csv", WIDE_COLUMNS)):
        for column in columns:
            description, values = COLUMNS[column]
            if pseudonymised and column == "client":
                description = "study id: HMAC-SHA256 of the client code under the study key"
            rows.append(
                {"file": file, "column": column, "description": description, "values": values}
            )
    for column in subscale_columns:
        scale, subscale = column.split(".", 1)
        rows.append(
            {
                "file": "wide.csv",
                "column": column,
                "description": f"subscale {subscale} of {scale}",
                "values": "number",
            }
        )
    return rows


def item_rows(library: ScaleLibrary, scales: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Return one row per item and code of every scale in the export."""
    rows: list[dict[str, Any]] = []
    for scale_id, version in scales:
        try:
            definition = library.get(scale_id, version)
        except UnknownScaleError:
            continue
        for item in definition.items:
            option_set = definition.option_set(item)
            base = {
                "scale": scale_id,
                "scale_version": version,
                "item": item.id,
                "label_en": item.label.en,
                "label_nl": item.label.nl,
            }
            if option_set.range is not None:
                bounds = option_set.range
                rows.append({**base, "code": f"{bounds.min:g}–{bounds.max:g}", "score": "= code"})
                continue
            for option in option_set.options or []:
                rows.append(
                    {
                        **base,
                        "code": option.code,
                        "score": item_score(definition, item, option.code),
                        "option_en": option.label.en,
                        "option_nl": option.label.nl,
                    }
                )
    return rows
