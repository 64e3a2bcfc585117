"""``hecht client find [TEXT]``: which code a client has, before ``hecht enter CODE``,
``hecht report client CODE`` or ``hecht audit log CODE``.

The practice is the one in conftest.py: ZULU (Anna Jansen), ALPHA (Bea de Vries), MIKE (Mark
Peters).
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from hecht.schema.tables import AuditEvent
from tests.conftest import in_practice_file
from tests.schema.conftest import Practice

from .conftest import frozen_actor, run

pytestmark = pytest.mark.usefixtures("frozen_commands", "named_practitioner")


def registered(database: str, code: str, name: str) -> None:
    with Practice.at(f"sqlite:///{database}", frozen_actor()) as practice:
        practice.client(code, name=name)


def test_a_part_of_a_code_in_any_case_finds_the_client_and_names_stay_out(capsys, report_db):
    code, out, _ = run(capsys, "--db", report_db, "client", "find", "lP")
    assert code == 0
    assert out.splitlines() == ["code   role", "ALPHA  mother"]
    assert "Bea" not in out


def test_without_text_every_client_is_listed_by_code(capsys, report_db):
    _, out, _ = run(capsys, "--db", report_db, "client", "find")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["ALPHA", "MIKE", "ZULU"]


def test_a_part_of_a_name_finds_the_client_and_names_show_when_asked(capsys, report_db):
    _, out, _ = run(capsys, "--lang", "nl", "--db", report_db, "client", "find", "jans", "--names")
    assert out.splitlines() == ["code  rol     naam", "ZULU  moeder  Anna Jansen"]
    _, hidden, _ = run(capsys, "--db", report_db, "client", "find", "jans", "--json")
    _, shown, _ = run(capsys, "--db", report_db, "client", "find", "JANS", "--json", "--names")
    assert json.loads(hidden) == [{"code": "ZULU", "role": "mother", "name": None}]
    assert json.loads(shown) == [{"code": "ZULU", "role": "mother", "name": "Anna Jansen"}]


def test_letters_beyond_ascii_match_in_any_case_and_wildcards_are_plain_characters(
    capsys, report_db
):
    registered(report_db, "Z2", "Zoë Öztürk")
    _, out, _ = run(capsys, "--db", report_db, "client", "find", "ÖZTÜRK", "--names")
    assert out.splitlines()[1:] == ["Z2    —     Zoë Öztürk"]
    registered(report_db, "Z3", "Zoe\u0308 de Wit")  # stored decomposed, as an import may
    _, out, _ = run(capsys, "--db", report_db, "client", "find", "zoë de", "--names")
    assert out.splitlines()[1:] == ["Z3    —     Zoe\u0308 de Wit"]  # shown as stored
    code, out, _ = run(capsys, "--db", report_db, "client", "find", "_")
    assert (code, out) == (0, "No client has “_” in their code or name.\n")
    _, out, _ = run(capsys, "--db", report_db, "client", "find", "%")
    assert out == "No client has “%” in their code or name.\n"


def test_a_name_holding_control_characters_is_shown_as_text_not_obeyed(capsys, report_db):
    registered(report_db, "E1", "Eve\x1b[2J\x07")
    _, out, _ = run(capsys, "--db", report_db, "client", "find", "E1", "--names")
    assert "\x1b" not in out and "\x07" not in out
    assert out.splitlines()[1] == "E1    —     Eve\\x1b[2J\\x07"


def test_the_search_is_in_the_access_log_without_what_was_searched_for(capsys, report_db):
    run(capsys, "--db", report_db, "client", "find", "jansen")
    last = in_practice_file(
        report_db,
        lambda session: session.exec(
            select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1)
        ).one(),
    )
    assert (last.event, last.detail) == ("search", "clients")
    assert "jansen" not in repr(last.model_dump()).lower()


def test_an_empty_practice_says_so(capsys, tmp_path):
    database = str(tmp_path / "empty.db")
    in_practice_file(database, lambda session: None)
    code, out, _ = run(capsys, "--db", database, "client", "find")
    assert (code, out) == (0, "No clients yet.\n")


def test_in_a_real_terminal_a_stored_escape_sequence_does_not_clear_the_list(tmp_path, report_db):
    """Typed at a shell in Dutch at 80x24: every row stays on screen, the sequence shown as text."""
    from .terminal import Terminal, practitioner_env

    registered(report_db, "E1", "Eve\x1b[2J\x1b[H")
    with Terminal(practitioner_env(tmp_path, "nl"), width=80, height=24) as terminal:
        terminal.start("--db", report_db, "client", "find", "e", "--names")
        assert terminal.exit_status() == 0
        terminal.wait_for("ZULU")
        shown = terminal.everything()  # a first line may already have scrolled into the history
    lines = [line.rstrip() for line in shown.splitlines() if line.strip()]
    assert lines[:5] == [
        "code   rol      naam",
        "ALPHA  moeder   Bea de Vries",
        "E1     —        Eve\\x1b[2J\\x1b[H",
        "MIKE   partner  Mark Peters",
        "ZULU   moeder   Anna Jansen",
    ]


def test_json_writes_a_stored_control_character_as_an_escape_and_letters_as_they_are(
    capsys, report_db
):
    registered(report_db, "E2", "Zoë\x9b2J\x7f")  # C1 CSI and DEL: JSON itself escapes neither
    _, out, _ = run(capsys, "--db", report_db, "client", "find", "E2", "--json", "--names")
    assert "\x9b" not in out and "\x7f" not in out and "Zoë" in out
    assert json.loads(out) == [{"code": "E2", "role": None, "name": "Zoë\x9b2J\x7f"}]
