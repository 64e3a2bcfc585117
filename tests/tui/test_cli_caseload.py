"""``hecht caseload``: the clients in care with their latest scores and explained signals.

The practice is the one in conftest.py, seen on 2026-11-24.
"""

from __future__ import annotations

import json

import pytest

from hecht.tui.config import config_path

from .conftest import run

pytestmark = pytest.mark.usefixtures("frozen_commands", "named_practitioner")


def by_code(out: str) -> dict[str, dict]:
    return {row["code"]: row for row in json.loads(out)}


def write_config(text: str) -> None:
    """Settings naming the practitioner (the caseload is read under their name), and ``text``."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    named = 'practitioner = "Test Practitioner"\n'
    config_path().write_text(named + text, encoding="utf-8")


def test_json_lists_every_client_in_care_with_latest_scores_and_signals(capsys, report_db):
    code, out, _ = run(capsys, "--db", report_db, "caseload", "--json")
    rows = by_code(out)
    assert code == 0
    assert list(rows) == ["ALPHA", "MIKE", "ZULU"]
    zulu = rows["ZULU"]
    assert (zulu["week"], zulu["visits"], zulu["last_visit"]) == ("P30", 2, "2026-11-20")
    assert zulu["perinatal_week"] == {"phase": "pregnant", "week": 30}  # whatever the language
    assert (zulu["open_alerts"], zulu["drafts"], zulu["partner_code"]) == (1, 0, None)
    assert zulu["latest"]["who5"] == {
        "total": 40,
        "band": "poor",
        "band_label": "poor wellbeing",
        "previous": 72,
    }
    assert [(s["kind"], s["scale"]) for s in zulu["signals"]] == [
        ("open_alert", None),
        ("deteriorated", "who5"),
    ]
    worse = zulu["signals"][1]
    assert (worse["detail"]["baseline"], worse["detail"]["latest"]) == (72, 40)
    assert worse["explanation"].startswith("WHO-5 reliably worse since baseline: 72 → 40")
    assert rows["ALPHA"]["signals"] == []


def test_names_stay_out_of_the_caseload_unless_asked_for(capsys, report_db):
    _, hidden, _ = run(capsys, "--db", report_db, "caseload", "--json")
    _, shown, _ = run(capsys, "--db", report_db, "caseload", "--json", "--names")
    assert {row["name"] for row in json.loads(hidden)} == {None}
    assert by_code(shown)["ZULU"]["name"] == "Anna Jansen"
    assert "Anna" not in hidden


def test_the_explanation_is_in_the_chosen_language(capsys, report_db):
    _, out, _ = run(capsys, "--lang", "nl", "--db", report_db, "caseload", "--json")
    [signal] = by_code(out)["MIKE"]["signals"]
    assert signal["kind"] == "not_on_track"
    assert signal["explanation"] == (
        "niet op koers: geen betrouwbare verbetering na 4 bezoeken (drempel 4)"
    )


def test_the_table_explains_each_signal_under_its_client_without_names(capsys, report_db):
    code, out, _ = run(capsys, "--db", report_db, "caseload")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split()[:3] == ["code", "week", "visits"]
    zulu = next(index for index, line in enumerate(lines) if line.startswith("ZULU"))
    assert "40↓" in lines[zulu] and "⚠↓" in lines[zulu]
    assert lines[zulu + 1].strip() == "open alert (1): acknowledge it with the action taken"
    assert "Anna" not in out
    _, named, _ = run(capsys, "--db", report_db, "caseload", "--names")
    assert "Anna Jansen" in named


def test_the_not_on_track_threshold_comes_from_the_config_file(capsys, report_db):
    # MIKE had 4 visits without reliable improvement: on the default threshold of 4 that is a
    # signal; a practice that waits for 5 visits sees none yet.
    write_config("[signals]\nnot_on_track_visits = 5\noverdue_weeks = 3\n")
    _, out, _ = run(capsys, "--db", report_db, "caseload", "--json")
    assert by_code(out)["MIKE"]["signals"] == []


def test_the_overdue_threshold_comes_from_the_config_file(capsys, report_db, monkeypatch):
    # Every client last completed a scale on 2026-11-20; seen on 2026-12-08 that is 18 days,
    # 2 whole weeks: not overdue on the default of 3 weeks, overdue on a threshold of 2.
    from datetime import UTC, datetime

    from hecht.schema.context import Actor

    later = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(
        "hecht.tui.cli.invocation.command_actor",
        lambda: Actor(user_id=None, access_point="cli:test", clock=lambda: later),
    )

    def overdue(out: str) -> dict[str, dict]:
        return {
            row["code"]: signal["detail"]
            for row in json.loads(out)
            for signal in row["signals"]
            if signal["kind"] == "overdue"
        }

    _, out, _ = run(capsys, "--db", report_db, "caseload", "--json")
    assert overdue(out) == {}
    write_config("[signals]\noverdue_weeks = 2\n")
    _, out, _ = run(capsys, "--db", report_db, "caseload", "--json")
    expected = {"weeks": 2, "threshold": 2, "never": False}
    assert overdue(out) == {"ALPHA": expected, "MIKE": expected, "ZULU": expected}


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("overdue_weeks = 0", "= 0 cannot"),
        ("overdue_weeks = -2", "= -2 cannot"),
        ('not_on_track_visits = "4"', '= "4" cannot'),
        ("not_on_track_visits = 2.5", "= 2.5 cannot"),
        ("overdue_weeks = true", "= true cannot"),
    ],
)
def test_a_threshold_that_is_not_a_whole_number_from_1_stops_the_command(
    capsys, report_db, line, shown
):
    write_config(f"[signals]\n{line}\n")
    code, out, err = run(capsys, "--db", report_db, "caseload")
    key = line.split(" = ")[0]
    assert (code, out) == (2, "")
    assert err.startswith(f"hecht: {config_path()}: signals.{key} ")
    assert "a whole number of" in err and "1 or more" in err and shown in err
    assert "Traceback" not in err


def test_an_unknown_signal_setting_is_refused_by_name(capsys, report_db):
    write_config("[signals]\noverdue_days = 21\n")
    code, _, err = run(capsys, "--db", report_db, "caseload")
    assert code == 2
    assert "signals.overdue_days is not a setting Hecht knows" in err
    assert "not_on_track_visits, overdue_weeks" in err


def test_saved_thresholds_read_back_the_same():
    from hecht.tui.config import Config, Signals, load_config, save_config

    config = Config(signals=Signals(not_on_track_visits=6, overdue_weeks=2))
    assert load_config(save_config(config)).signals == Signals(
        not_on_track_visits=6, overdue_weeks=2
    )
