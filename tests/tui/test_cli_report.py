"""``hecht report``: the supervision packet, one client's summary and the practice outcomes.

The practice is the one in conftest.py, seen on 2026-11-24. Its WHO-5 pairs (percentages) are
ZULU 72 → 40, ALPHA 40 → 72 and MIKE 48 → 60, so by hand:
- mean pre 160 / 3 = 53.33, mean post 172 / 3 = 57.33, mean change (−32 + 32 + 12) / 3 = 4;
- the changes deviate −36, 28, 8 from 4: SD √((1296 + 784 + 64) / 2) = √1072 = 32.74, so
  d_z = 4 / 32.74 = 0.122 and the 95% CI is 4 ± t(.975, 2) · 32.74 / √3 = 4 ± 81.33;
- pre SD √(((40−53.33)² + (48−53.33)² + (72−53.33)²) / 2) = 16.65, post SD 16.17, average 16.41;
  d_av = 4 / 16.41 = 0.244, Hedges' J = 1 − 3 / (4·2 − 1) = 4/7, g_av = 0.139;
- Jacobson–Truax (reliable change 23.6, cutoff 52): ALPHA recovered, MIKE unchanged, ZULU
  deteriorated.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import statistics

import pytest

from .conftest import run

pytestmark = pytest.mark.usefixtures("frozen_commands", "named_practitioner")
NAMES = ("Anna Jansen", "Bea de Vries", "Mark Peters")


def report_events(db: str) -> int:
    with sqlite3.connect(db) as connection:
        [(count,)] = connection.execute("SELECT count(*) FROM auditevent WHERE event = 'report'")
    return count


# --- practice outcomes -------------------------------------------------------------------------


def outcomes(capsys, db, *extra):
    code, out, err = run(capsys, "--db", db, "report", "outcomes", "--json", *extra)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_outcomes_json_matches_the_hand_worked_who5_numbers(capsys, report_db):
    from scipy import stats

    report = outcomes(capsys, report_db)
    who5 = report["scales"]["who5"]
    sd_change = math.sqrt(1072)
    half = stats.t.ppf(0.975, 2) * sd_change / math.sqrt(3)
    sd_average = (statistics.stdev([40, 48, 72]) + statistics.stdev([72, 60, 40])) / 2
    assert (report["generated_on"], report["episodes"]) == ("2026-11-24", 3)
    assert who5["n"] == 3
    assert (who5["mean_pre"], who5["mean_post"]) == pytest.approx((160 / 3, 172 / 3))
    assert who5["mean_change"] == pytest.approx(4)
    assert who5["ci95"] == pytest.approx([4 - half, 4 + half])
    assert who5["ci95"] == pytest.approx([-77.334, 85.334], abs=1e-3)
    assert who5["d_z"] == pytest.approx(4 / sd_change)
    assert who5["g_av"] == pytest.approx(4 / 7 * 4 / sd_average)
    assert who5["g_av"] == pytest.approx(0.1393, abs=1e-4)
    assert who5["categories"] == {"recovered": 1, "improved": 0, "unchanged": 1, "deteriorated": 1}
    assert who5["category_shares"] == pytest.approx(
        {"recovered": 1 / 3, "improved": 0, "unchanged": 1 / 3, "deteriorated": 1 / 3}
    )
    assert (who5["domain"], who5["short_name"], who5["uncategorised"]) == ("wellbeing", "WHO-5", 0)


def test_outcomes_json_keeps_missing_data_and_uncomputable_numbers_as_null(capsys, report_db):
    scales = outcomes(capsys, report_db)["scales"]
    epds, csi4 = scales["epds"], scales["csi4"]
    assert (epds["n"], epds["baseline_only"], epds["invalid"]) == (0, 2, 0)
    assert (csi4["n"], csi4["baseline_only"], csi4["invalid"]) == (0, 0, 1)
    for key in ("mean_pre", "mean_change", "ci95", "d_z", "g_av", "g_ci95"):
        assert epds[key] is None, key
    assert epds["category_shares"] == dict.fromkeys(
        ("recovered", "improved", "unchanged", "deteriorated")
    )


def test_outcomes_json_gives_every_subgroup_with_the_overall_one_first(capsys, report_db):
    report = outcomes(capsys, report_db)
    groups = {(group["split"], group["value"]): group for group in report["groups"]}
    assert (report["groups"][0]["split"], report["groups"][0]["value"]) == ("all", "all")
    assert report["groups"][0]["scales"] == report["scales"]
    assert set(groups) == {
        ("all", "all"),
        ("referral_reason", "fear_of_childbirth"),
        ("referral_reason", "traumatic_birth"),
        ("start", "prenatal"),
        ("start", "postnatal"),
        ("role", "mother"),
        ("role", "partner"),
    }
    mothers = groups[("role", "mother")]  # ZULU 72 → 40 and ALPHA 40 → 72
    assert [mothers[key] for key in ("episodes", "closed", "clients", "paired")] == [2, 0, 2, 2]
    assert (mothers["scales"]["who5"]["n"], mothers["scales"]["who5"]["mean_change"]) == (2, 0)
    assert mothers["scales"]["who5"]["g_av"] is None  # two pairs: Hedges' J is zero
    postnatal = groups[("start", "postnatal")]["scales"]["who5"]  # MIKE 48 → 60
    assert (postnatal["n"], postnatal["mean_change"], postnatal["ci95"]) == (1, 12, None)


def test_outcomes_markdown_shows_rounded_numbers_per_group_and_domain(capsys, report_db):
    code, out, _ = run(capsys, "--db", report_db, "report", "outcomes")
    assert code == 0
    assert out.startswith("# Practice outcomes\n")
    assert "## All episodes\n\n3 episodes (0 closed) · 3 clients (3 with a first and a later" in out
    assert "## Role: mother\n\n2 episodes (0 closed) · 2 clients (2 with" in out
    assert "## Start of care: after the birth\n\n1 episode (0 closed) · 1 client (1 with" in out
    assert "### Wellbeing" in out and "### Mood" in out and "### Relationship" in out
    assert "| WHO-5 | 3 | 53.33 | 57.33 | +4.00 | -77.33 to 85.33 | +0.12 | +0.14 |" in out
    assert "| WHO-5 | 33% (1) | 0% (0) | 33% (1) | 33% (1) | 0 | 0 |" in out
    assert "EPDS: lower is better, so a negative change is an improvement." in out
    assert not any(name in out for name in NAMES)


def test_outcomes_in_dutch_use_a_decimal_comma(capsys, report_db):
    _, out, _ = run(capsys, "--lang", "nl", "--db", report_db, "report", "outcomes")
    assert out.startswith("# Uitkomsten van de praktijk\n")
    assert "| WHO-5 | 3 | 53,33 | 57,33 | +4,00 | -77,33 tot 85,33 |" in out


def test_outcomes_html_is_one_self_contained_page(capsys, report_db, tmp_path):
    target = tmp_path / "outcomes.html"
    code, out, _ = run(
        capsys, "--db", report_db, "report", "outcomes", "--format", "html", "--out", str(target)
    )
    html = target.read_text(encoding="utf-8")
    assert code == 0 and str(target) in out
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert '<h2>All episodes</h2>\n<p class="meta">3 episodes (0 closed) · 3 clients (3 ' in html
    for external in ("<script", "<link", "@import", "src=", "http://", "https://"):
        assert external not in html, external


def test_json_and_another_format_together_are_refused(capsys, report_db):
    code, _, err = run(
        capsys, "--db", report_db, "report", "outcomes", "--json", "--format", "html"
    )
    assert code == 2
    assert "--json cannot be combined with --format html" in err


def test_every_report_is_audited(capsys, report_db):
    before = report_events(report_db)
    run(capsys, "--db", report_db, "report", "outcomes", "--json")
    assert report_events(report_db) == before + 1


# --- supervision packet ------------------------------------------------------------------------


def sections(out: str) -> list[str]:
    return [line[3:] for line in out.splitlines() if line.startswith("## ")]


def test_the_packet_puts_signalled_clients_first_and_names_nobody(capsys, report_db):
    code, out, _ = run(capsys, "--db", report_db, "report", "supervision")
    assert code == 0
    assert out.startswith("# Supervision packet\n")
    assert "Practice report · generated on 24 Nov 2026 · pseudonymised" in out
    assert sections(out) == ["ZULU", "MIKE", "ALPHA"]  # most urgent first: alert, not on track
    assert not any(name in out for name in NAMES)


def test_a_client_section_holds_the_episode_signals_scores_alerts_and_note(capsys, report_db):
    _, out, _ = run(capsys, "--db", report_db, "report", "supervision")
    zulu = out.split("## ZULU")[1].split("\n## ")[0]
    assert "week P30 · 12 weeks in care · 2 visits, the last this week" in zulu
    assert "Referral reasons: fear of childbirth" in zulu
    assert "- ⚠ open alert (1): acknowledge it with the action taken" in zulu
    assert "| WHO-5 | 72 | 40 | poor wellbeing | -32 | reliably deteriorated |" in zulu
    assert "| EPDS | 19 | 19 | probable depression | — | one administration: no change yet" in zulu
    assert "**EPDS item 10 (urgent), this week: OPEN, not yet acknowledged**" in zulu
    assert "Slept badly" not in out  # a note is free text: not in a pseudonymised packet
    assert "Left out: a note is free text and may name people (with --names its" in zulu
    alpha = out.split("## ALPHA")[1]
    assert "EPDS item 10 (urgent), this week: acknowledged (Safety plan agreed)" in alpha
    assert "| WHO-5 | 40 | 72 | no sign of poor wellbeing | +32 | recovered |" in alpha


def test_names_appear_only_with_names_and_the_packet_says_so(capsys, report_db):
    _, out, _ = run(capsys, "--db", report_db, "report", "supervision", "--names")
    assert "## ZULU — Anna Jansen" in out
    assert "· with names (contains client names at your request" in out
    assert "> Slept badly.\n> Worried about the birth." in out


def test_plain_text_draws_each_trend_in_unicode_blocks(capsys, report_db):
    # WHO-5 runs 0–100 over 8 blocks (steps of 100/7): 72 → round(5.04) = ▆, 40 → round(2.8) = ▄
    code, out, _ = run(capsys, "--db", report_db, "report", "supervision", "--format", "txt")
    assert code == 0
    assert out.startswith("SUPERVISION PACKET\n##################\n")
    assert "ZULU\n====\n" in out
    zulu = out.split("ZULU\n====\n")[1]
    who5 = next(line for line in zulu.splitlines() if line.strip().startswith("WHO-5"))
    assert who5.split() == ["WHO-5", "72", "40", "poor", "wellbeing", "-32", "reliably",
                            "deteriorated", "▆▄"]  # fmt: skip
    assert not any(name in out for name in NAMES)


def test_the_packet_speaks_dutch_when_asked(capsys, report_db):
    _, out, _ = run(capsys, "--lang", "nl", "--db", report_db, "report", "supervision")
    assert out.startswith("# Supervisiepakket\n")
    assert "gepseudonimiseerd" in out
    assert "Verwijsredenen: angst voor de bevalling" in out
    assert "| WHO-5 | 72 | 40 | laag welbevinden | -32 | betrouwbaar verslechterd |" in out
    assert "### Kritieke antwoorden" in out


def test_one_clients_summary_holds_only_that_client(capsys, report_db):
    code, out, _ = run(capsys, "--db", report_db, "report", "client", "ZULU", "--format", "txt")
    assert code == 0
    assert out.startswith("CLIENT SUMMARY FOR SUPERVISION\n")
    assert "ZULU\n====" in out and "MIKE" not in out and "ALPHA" not in out


def test_an_unknown_client_gets_one_line_and_exit_2(capsys, report_db):
    code, out, err = run(capsys, "--db", report_db, "report", "client", "NOPE")
    assert (code, out) == (2, "")
    assert err.strip() == (
        "hecht: there is no client with code “NOPE”; `hecht caseload` lists the clients in care"
    )


def test_each_client_in_a_written_packet_is_audited_without_names(capsys, report_db, tmp_path):
    before = report_events(report_db)
    target = tmp_path / "packet.md"
    code, _, _ = run(
        capsys, "--db", report_db, "report", "supervision", "--names", "--out", str(target)
    )
    assert code == 0 and "Anna Jansen" in target.read_text(encoding="utf-8")
    assert report_events(report_db) == before + 3
    with sqlite3.connect(report_db) as connection:
        logged = " ".join(str(row) for row in connection.execute("SELECT * FROM auditevent"))
    assert not any(name in logged for name in NAMES)


def test_a_client_out_of_care_has_no_summary(capsys, report_db):
    from datetime import date

    from hecht.schema.db.database import open_database, unit_of_work
    from hecht.schema.services.episodes import close_episode
    from hecht.tui.cli import invocation as context

    with sqlite3.connect(report_db) as connection:
        [(lineage,)] = connection.execute(
            "SELECT DISTINCT episode.lineage_id FROM episode JOIN client"
            " ON client.id = episode.client_id WHERE client.code = 'ALPHA'"
        )
    engine = open_database(f"sqlite:///{report_db}")
    with unit_of_work(engine) as session:
        close_episode(
            session=session,
            actor=context.command_actor(),  # the frozen one
            lineage_id=lineage,
            ended_on=date(2026, 11, 21),
        )
    engine.dispose()
    code, out, err = run(capsys, "--db", report_db, "report", "client", "ALPHA")
    assert (code, out) == (2, "")
    assert "ALPHA is not in care (no active episode)" in err


# --- where the report goes ---------------------------------------------------------------------


def refused(capsys, db, target):
    code, out, err = run(capsys, "--db", db, "report", "supervision", "--out", str(target))
    assert (code, out) == (2, "")
    assert str(target) in err and "Traceback" not in err
    return err


def test_a_missing_folder_is_named_and_nothing_is_written(capsys, report_db, tmp_path):
    target = tmp_path / "missing" / "packet.md"
    err = refused(capsys, report_db, target)
    assert f"the folder {tmp_path / 'missing'} does not exist; create it first" in err
    assert not target.parent.exists()


def test_a_folder_as_out_is_refused(capsys, report_db, tmp_path):
    err = refused(capsys, report_db, tmp_path)
    assert "it is a folder; give a file name inside it" in err


def test_a_file_in_place_of_the_folder_is_refused(capsys, report_db, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    err = refused(capsys, report_db, blocker / "packet.md")
    assert f"{blocker} is a file, not a folder" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_folder_without_write_permission_is_refused(capsys, report_db, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    err = refused(capsys, report_db, locked / "packet.md")
    assert "you may not write in the folder" in err


def test_a_failed_write_leaves_no_half_file_and_no_audit_event(
    capsys, report_db, tmp_path, monkeypatch
):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "packet.html"

    def full_disk(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("hecht.schema.exchange.files.os.replace", full_disk)
    before = report_events(report_db)
    code, _, err = run(
        capsys, "--db", report_db, "report", "supervision", "--format", "html", "--out", str(target)
    )
    assert code == 2
    assert f"cannot write to {target}: the disk (or your quota) there is full" in err
    assert list(folder.iterdir()) == []
    assert report_events(report_db) == before


def test_a_report_replaces_an_older_file_whole(capsys, report_db, tmp_path):
    target = tmp_path / "packet.txt"
    target.write_text("an old packet that is much longer than nothing\n" * 200)
    code, _, err = run(
        capsys, "--db", report_db, "report", "supervision", "--format", "txt", "--out", str(target)
    )
    assert code == 2 and "the file already exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8").startswith("an old packet")
    code, out, _ = run(
        capsys, "--db", report_db, "report", "supervision", "--format", "txt", "--out",
        str(target), "--force",
    )  # fmt: skip
    assert code == 0 and out.strip() == f"report written to {target}"
    assert target.read_text(encoding="utf-8").startswith("SUPERVISION PACKET")
    assert "an old packet" not in target.read_text(encoding="utf-8")
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
    assert target.stat().st_mode & 0o077 == 0  # clinical data: readable by its owner only


def test_a_dutch_report_writes_numbers_dates_and_counts_as_dutch_readers_do(capsys, report_db):
    code, out, _ = run(capsys, "--lang", "nl", "--db", report_db, "report", "outcomes")
    assert code == 0
    assert "gemaakt op 24-11-2026 · geen cliënt bij naam genoemd" in out
    assert "3 trajecten (0 afgesloten) · 3 cliënten (3 met een eerste en een latere score)" in out
    assert "1 traject (0 afgesloten) · 1 cliënt (1 met" in out and "1 trajecten" not in out
    assert "(s)" not in out and "2026-11-24" not in out
    assert re.search(r"\d,\d", out) and not re.search(r"\| -?\d+\.\d", out)  # decimal commas
    code, out, _ = run(capsys, "--lang", "nl", "--db", report_db, "report", "supervision")
    assert "gemaakt op 24-11-2026" in out


def test_the_formatting_of_numbers_dates_and_counts_in_both_languages():
    from datetime import date

    from hecht.tui.i18n import Messages
    from hecht.tui.views.formatting import formatter

    dutch, english = formatter("nl"), formatter("en")
    assert (dutch.number(23.6), english.number(23.6)) == ("23,6", "23.6")
    assert (dutch.number(0.456, 2, fixed=True), dutch.number(40.0)) == ("0,46", "40")
    assert dutch.date(date(2026, 9, 28)) == "28-09-2026"
    assert english.date(date(2026, 9, 28)) == "28 Sept 2026"
    for language, one, two in (
        ("en", "1 episode", "2 episodes"),
        ("nl", "1 traject", "2 trajecten"),
    ):
        shown = formatter(language)
        messages = Messages(language)
        assert shown.count(messages, "count.episode", 1) == one
        assert shown.count(messages, "count.episode", 2) == two


def test_the_client_report_with_names_gives_each_closed_alerts_note(capsys, report_db):
    """The dossier lists the newest closed alerts and points here for the rest: their notes
    were in no report. Without names a note is left out (free text may name people)."""
    code, out, err = run(capsys, "--db", report_db, "report", "client", "ALPHA", "--names")
    assert code == 0, err
    assert "note: safety plan agreed" in out
    code, out, _ = run(capsys, "--db", report_db, "report", "client", "ALPHA")
    assert code == 0 and "safety plan agreed" not in out
