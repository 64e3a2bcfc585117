"""docs/scale-format.md tells authors the limits that scales/limits.py enforces, the same ones."""

from __future__ import annotations

import re
from pathlib import Path

from hecht.scales import limits

FORMAT = Path(__file__).resolve().parents[2] / "docs" / "scale-format.md"


def _limit_rows() -> dict[str, str]:
    """The 'what | at most' table of the document, as what → at most."""
    rows = {}
    for line in FORMAT.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and re.fullmatch(r"[\d,.]+( MiB| each)?|at least [\d.]+", cells[1]):
            rows[cells[0]] = cells[1]
    return rows


def _number(cell: str) -> float:
    return float(re.sub(r"[^\d.]", "", cell.replace(",", "")))


def test_the_option_code_cap_is_documented_where_codes_are_described_and_in_the_limits():
    text = FORMAT.read_text(encoding="utf-8")
    assert f"A code is a whole number from 0 to {limits.MAX_CODE}" in text
    assert f"| options per option set (codes 0–{limits.MAX_CODE}) | {limits.MAX_OPTIONS} |" in text
    assert limits.MAX_OPTIONS == limits.MAX_CODE + 1  # every code once, no more


def test_every_documented_limit_is_the_one_enforced():
    rows = _limit_rows()
    expected = {
        "file size": limits.MAX_FILE_BYTES / 1_048_576,
        "arrays and inline tables nested in the text, or dots in one dotted key": (
            limits.MAX_BRACKET_DEPTH
        ),
        "tables and arrays nested once read": limits.MAX_DATA_DEPTH,
        "items; items in a subscale or critical rule": limits.MAX_ITEMS,
        f"options per option set (codes 0–{limits.MAX_CODE})": limits.MAX_OPTIONS,
        "option sets; subscales; bands per band list; critical rules": limits.MAX_OPTION_SETS,
        "examples": limits.MAX_EXAMPLES,
        "characters in a label (`label`, `name`, `message`, `unit`, example `name`)": (
            limits.MAX_LABEL
        ),
        "characters in wording (`text`, `instructions`), `citation`, `source`, licence `note`": (
            limits.MAX_TEXT
        ),
        "characters in `notes`": limits.MAX_NOTES,
        "characters in an example's `answers`": limits.MAX_ANSWERS,
        "numeric `range` step, `band_step`": limits.MIN_STEP,
    }
    for what, value in expected.items():
        assert what in rows, f"docs/scale-format.md lists no limit for {what!r}"
        assert _number(rows[what]) == value, (what, rows[what], value)
    assert limits.MAX_SUBSCALES == limits.MAX_BANDS == limits.MAX_CRITICAL_RULES == 50
