"""A JSON export is a file a person can open and change: the import stores it only when every
row is as this schema stores it and as Hecht sealed it; otherwise it names what is wrong and
stores nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.errors import InvalidInputError
from hecht.schema.exchange.transfer import (
    ChangedExport,
    check_document,
    export_document,
    import_document,
)
from hecht.schema.trail.audit import verify_all
from tests.schema.test_data_in_and_out import exported, fill

Change = Callable[[dict[str, Any]], object]


@pytest.fixture(scope="module")
def export(tmp_path_factory, library) -> dict[str, Any]:
    """The export of a small filled practice (SQLite), read back as from its file."""
    from datetime import UTC, datetime

    from hecht.schema.context import Actor

    actor = Actor(
        user_id=None, access_point="test", clock=lambda: datetime(2026, 11, 24, tzinfo=UTC)
    )
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('export') / 'source.db'}")
    fill(engine, actor, library)
    document = exported(engine, actor)
    engine.dispose()
    return document


def changed(document: dict[str, Any], change: Change) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    change(copied)
    return copied


def tables(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return document["tables"]


SHAPES: dict[str, tuple[Change, str, dict[str, object]]] = {
    "tables not an object": (
        lambda d: d.update(tables=[]), "export_no_tables", {},
    ),
    "a table not a list": (
        lambda d: tables(d).update(client={"id": 1}), "export_not_rows", {"table": "client"},
    ),
    "a row not an object": (
        lambda d: tables(d)["episode"].__setitem__(0, "P1"), "export_row_not_object",
        {"table": "episode", "row": 1},
    ),
    "a column the table lacks": (
        lambda d: tables(d)["client"][1].update(nickname="Sammy"), "export_unknown_column",
        {"table": "client", "row": 2, "column": "nickname"},
    ),
    "a date that is no date": (
        lambda d: tables(d)["episode"][0].update(started_on="1-10-2026"), "export_bad_value",
        {"table": "episode", "row": 1, "column": "started_on", "expected": "date"},
    ),
    "a number written as text": (
        lambda d: tables(d)["score"][0].update(administration_id="1"), "export_bad_value",
        {"table": "score", "column": "administration_id", "expected": "int"},
    ),
    "a yes/no as a number": (
        lambda d: tables(d)["score"][0].update(valid=1), "export_bad_value",
        {"table": "score", "column": "valid", "expected": "bool"},
    ),
    "a column left out of a row": (
        lambda d: tables(d)["episode"][0].pop("birth_date"), "export_missing_column",
        {"table": "episode", "row": 1, "column": "birth_date"},
    ),
    "a table left out": (
        lambda d: tables(d).pop("caseloadmember"), "export_missing_table",
        {"table": "caseloadmember"},
    ),
    "the access log left out": (
        lambda d: d.pop("audit_log"), "export_not_rows", {"table": "audit_log"},
    ),
    "the access log's end cut off": (
        lambda d: d.update(audit_log=d["audit_log"][:-3]), "export_log_cut", {},
    ),
    "a client added": (
        lambda d: tables(d)["client"].append({**tables(d)["client"][1], "id": 3, "code": "P3"}),
        "export_clients_differ", {"given": 2, "limit": 3},
    ),
    "the last seals cut off": (
        lambda d: tables(d).update(recordseal=tables(d)["recordseal"][:-1]),
        "export_seals_cut", {},
    ),
    "an integer no database holds": (
        lambda d: tables(d)["client"][0].update(birth_year=10**30), "export_bad_value",
        {"table": "client", "column": "birth_year", "expected": "int"},
    ),
    "a moment without its UTC offset": (
        lambda d: tables(d)["client"][0].update(created_at="2026-11-24T10:00:00"),
        "export_bad_value", {"table": "client", "column": "created_at", "expected": "datetime"},
    ),
    "a moment UTC cannot express": (
        lambda d: tables(d)["client"][0].update(created_at="0001-01-01T00:00:00+05:00"),
        "export_bad_value", {"table": "client", "column": "created_at", "expected": "datetime"},
    ),
    "half a character": (
        lambda d: tables(d)["client"][0].update(name="Mira\ud800"), "export_bad_value",
        {"table": "client", "column": "name", "expected": "text"},
    ),
    "a control character in a column's name": (
        lambda d: tables(d)["client"][0].update({"x\x1b[2J": 1}), "export_unknown_column",
        {"column": "x\\u001b[2J"},
    ),
    "the format version as true": (
        lambda d: d.update(format_version=True), "export_format", {},
    ),
    "a required value emptied in a later row": (
        lambda d: tables(d)["client"][1].update(code=None), "export_missing_value",
        {"table": "client", "row": 2, "column": "code"},
    ),
    "a required value emptied": (
        lambda d: tables(d)["client"][0].update(created_at=None), "export_missing_value",
        {"table": "client", "row": 1, "column": "created_at"},
    ),
    "a row repeated": (
        lambda d: tables(d)["client"].append(dict(tables(d)["client"][0])), "export_repeated_row",
        {"table": "client", "row": 3, "first": 1},
    ),
    "a reference to a client the file lacks": (
        lambda d: tables(d)["administration"][0].update(client_id=99), "export_dangling",
        {"table": "administration", "column": "client_id", "target": "client", "given": 99},
    ),
    "an access log that is not a list": (
        lambda d: d.update(audit_log="events"), "export_not_rows", {"table": "audit_log"},
    ),
    "an access log event with a text number": (
        lambda d: d["audit_log"][0].update(seq="1"), "export_bad_value",
        {"table": "audit_log", "row": 1, "column": "seq"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("shape", SHAPES)
def test_an_export_whose_rows_are_not_as_stored_is_refused_naming_table_row_and_column(
    export, shape
):
    change, reason, details = SHAPES[shape]
    with pytest.raises(InvalidInputError) as refused:
        check_document(changed(export, change))
    assert refused.value.reason == reason
    assert details.items() <= refused.value.details.items()


def test_the_export_hecht_writes_passes_its_own_checks(export):
    check_document(export)


TAMPERING: dict[str, tuple[Change, str, dict[str, object]]] = {
    "a client's name edited": (
        lambda d: tables(d)["client"][0].update(name="Someone Else"),
        "row_changed", {"kind": "client", "id": 1, "client": "P1"},
    ),
    "an answer edited": (
        lambda d: tables(d)["itemresponse"][0].update(code=0.0),
        "row_changed", {"kind": "itemresponse", "id": 1, "client": "P1"},
    ),
    "the scores emptied": (
        lambda d: tables(d).update(score=[]), "row_removed",
        {"kind": "score", "id": 1, "client": "P1"},
    ),
    "an answer added": (
        lambda d: tables(d)["itemresponse"].append(
            {**tables(d)["itemresponse"][0], "id": 99, "item_id": "9"}
        ),
        "row_unsealed", {"kind": "itemresponse", "id": 99, "client": "P1"},
    ),
    "a practitioner added": (  # who the log says did something is a name looked up here
        lambda d: tables(d)["practitioner"].append(
            {"id": 7, "name": "Someone Else", "created_at": "2026-11-24T00:00:00+00:00"}
        ),
        "row_unsealed", {"kind": "practitioner", "id": 7},
    ),
}  # fmt: skip


@pytest.mark.parametrize("tampering", TAMPERING)
def test_an_export_changed_after_hecht_wrote_it_is_refused_and_nothing_is_stored(
    engine, actor, export, tampering
):
    """As ``hecht audit verify`` would find it: the rows as the file holds them against the
    file's seals (on SQLite and PostgreSQL, whose database fills in a column of its own)."""
    change, key, values = TAMPERING[tampering]
    document = changed(export, change)
    check_document(document)  # well formed: only the seals can tell
    with pytest.raises(ChangedExport) as refused:
        with unit_of_work(engine) as session:
            import_document(session=session, actor=actor, document=document)
    first = refused.value.findings[0]
    assert (first.key, first.values) == (key, values)
    with engine.connect() as connection:
        for table in ("client", "recordseal", "auditevent"):
            assert connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


def test_a_code_the_database_refuses_is_named_with_its_table(engine, actor, export):
    """Two clients with one code pass the file's checks (its seals included, were they made
    again) and are refused by the database's unique rule, named, not an internal error."""
    document = changed(export, lambda d: tables(d)["client"][1].update(code="P1"))
    with pytest.raises(InvalidInputError) as refused:
        with unit_of_work(engine) as session:
            import_document(session=session, actor=actor, document=document)
    assert refused.value.reason == "export_refused_by_database"
    assert refused.value.details["table"] == "client"


def test_an_imported_practice_verifies_whichever_database_it_went_into(
    engine, actor, export, tmp_path
):
    """PostgreSQL fills in each client's owning role as it is inserted, which the file's seals
    do not know: every client then read as changed outside Hecht in ``hecht audit verify``, and
    an export of that practice was refused by the next import."""
    with unit_of_work(engine) as session:
        import_document(session=session, actor=actor, document=copy.deepcopy(export))
    with unit_of_work(engine) as session:
        report = verify_all(session=session)
    assert report.intact, (report.chain.problems, report.findings)
    with unit_of_work(engine) as session:
        again = json.loads(json.dumps(export_document(session=session, actor=actor)))
    elsewhere = open_database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with unit_of_work(elsewhere) as session:  # the practice's next move is not refused
        import_document(session=session, actor=actor, document=again)
    with unit_of_work(elsewhere) as session:
        assert verify_all(session=session).intact
    elsewhere.dispose()


def test_a_practice_moved_into_postgresql_before_its_clients_were_sealed_again_moves_on(
    engine, actor, export, tmp_path
):
    """Imported into PostgreSQL by the previous version, its clients carry the role the server
    filled in while their seals do not: its export was refused as changed outside Hecht. The
    role alone may differ from the seal; any other change is still refused."""
    moved = copy.deepcopy(export)
    for client in moved["tables"]["client"]:
        client["owner_role"] = "hecht"
    with unit_of_work(engine) as session:
        import_document(session=session, actor=actor, document=copy.deepcopy(moved))
    with unit_of_work(engine) as session:
        assert verify_all(session=session).intact
    moved["tables"]["client"][0]["name"] = "Someone Else"
    elsewhere = open_database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with pytest.raises(ChangedExport), unit_of_work(elsewhere) as session:
        import_document(session=session, actor=actor, document=moved)
    elsewhere.dispose()


def test_an_export_waits_for_a_colleagues_unit_of_work_and_reads_after_it(
    engine, actor, export, database_url
):
    """On PostgreSQL each statement reads as of its own start: an export read while a colleague
    committed mixed rows from before and after (refused by the next import), and reading one
    snapshot made its own access-log event clash with the colleague's."""
    import threading

    from hecht.schema.inputs import NewClient
    from hecht.schema.services import clients

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite reads one snapshot per transaction: nothing to wait for")
    with unit_of_work(engine) as session:
        import_document(session=session, actor=actor, document=copy.deepcopy(export))
    colleague_logged, done = threading.Event(), threading.Event()

    def colleague() -> None:
        with unit_of_work(engine) as session:
            clients.create_client(session=session, actor=actor, new=NewClient(code="P9"))
            session.flush()
            from hecht.schema.trail.audit import record
            from hecht.schema.trail.chain import AuditKind

            record(session=session, actor=actor, event=AuditKind.READ)  # holds the chain's lock
            colleague_logged.set()
            done.wait(timeout=5)

    writer = threading.Thread(target=colleague)
    writer.start()
    assert colleague_logged.wait(timeout=30)
    exported: list[dict[str, Any]] = []
    reader = threading.Thread(
        target=lambda: exported.append(json.loads(json.dumps(_export(engine, actor))))
    )
    reader.start()
    reader.join(timeout=1)
    assert reader.is_alive()  # waits for the colleague's commit
    done.set()
    writer.join(timeout=30)
    reader.join(timeout=30)
    (document,) = exported
    assert "P9" in {client["code"] for client in document["tables"]["client"]}
    check_document(document)


def _export(engine, actor) -> dict[str, Any]:
    with unit_of_work(engine) as session:
        return export_document(session=session, actor=actor)


def as_the_previous_version_wrote_it(document: dict[str, Any]) -> dict[str, Any]:
    """The export as Hecht wrote it before its own event named the seal head ("json: all"), the
    access log's chain made again from that event on, as that version made it."""
    from datetime import datetime

    from hecht.schema.trail.chain import COLUMNS, GENESIS, chain_hash

    older = copy.deepcopy(document)
    log = older["audit_log"]
    clients = len(older["tables"]["client"])
    own = len(log) - clients - 1
    assert log[own]["detail"].startswith("json: all, seals up to ")
    log[own]["detail"] = "json: all"
    previous = log[own - 1]["hash"] if own else GENESIS
    for event in log[own:]:
        event["prev_hash"] = previous
        values = {**event, "at": datetime.fromisoformat(event["at"])}
        event["hash"] = previous = chain_hash(*(values[column] for column in COLUMNS))
    return older


def test_an_export_of_the_previous_version_still_imports(engine, actor, export):
    """Its own event names no seal head: the log's end and the seals are checked as far as it
    allows, and it goes in."""
    older = as_the_previous_version_wrote_it(export)
    check_document(older)
    with unit_of_work(engine) as session:
        import_document(session=session, actor=actor, document=older)
    with unit_of_work(engine) as session:
        assert verify_all(session=session).intact


@pytest.fixture
def export_of_revision_0014(tmp_path, monkeypatch, library) -> dict[str, Any]:
    """An export as Hecht at revision 0014 wrote it: its practitioner stored, but not sealed
    (the tables and columns are this version's)."""
    from datetime import UTC, datetime

    from hecht.schema.context import Actor
    from hecht.schema.services.clients import practitioner_named
    from hecht.schema.trail import seals

    actor = Actor(
        user_id=None, access_point="test", clock=lambda: datetime(2026, 11, 24, tzinfo=UTC)
    )
    with monkeypatch.context() as before_0015:
        for kind in seals.SEALED_SINCE:
            before_0015.delitem(seals.KIND_OF, seals.SEALED[kind])
            before_0015.delitem(seals.SEALED, kind)
        engine = open_database(f"sqlite:///{tmp_path / 'source.db'}")
        fill(engine, actor, library)
        with unit_of_work(engine) as session:
            practitioner_named(session=session, actor=actor, name="Anna de Wit")
        document = exported(engine, actor)
        engine.dispose()
    assert document["tables"]["practitioner"] and not any(
        seal["kind"] == "practitioner" for seal in document["tables"]["recordseal"]
    )
    return document | {"schema_revision": "0014"}


def test_an_export_of_an_earlier_revision_with_the_same_tables_imports_and_is_sealed(
    engine, actor, export_of_revision_0014
):
    """Revisions 0014 and 0015 only sealed more: their exports come in, and the import seals
    what the upgrade would have (the practitioner), so the new practice verifies."""
    with unit_of_work(engine) as session:
        import_document(session=session, actor=actor, document=export_of_revision_0014)
    with unit_of_work(engine) as session:
        assert verify_all(session=session).intact
    with engine.connect() as connection:
        kinds = set(connection.execute(text("SELECT kind FROM recordseal")).scalars())
    assert "practitioner" in kinds


def test_an_export_of_a_revision_with_other_tables_is_refused_naming_both(
    engine, actor, export_of_revision_0014
):
    older = export_of_revision_0014 | {"schema_revision": "0012"}
    with pytest.raises(InvalidInputError) as refused:
        check_document(older)
    assert refused.value.reason == "export_schema"
    assert refused.value.details["given"] == '"0012"'  # quoted as the file wrote it


def test_the_kinds_revision_0015_seals_are_the_ones_the_import_seals_for_earlier_exports():
    """Migration 0015 keeps its own list (a migration must not change with the code); the
    import of an earlier export reads ``SEALED_SINCE``: they must agree."""
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    import hecht.schema.migrations as migrations
    from hecht.schema.trail.seals import SEALED_SINCE

    path = Path(migrations.__file__).parent / "versions" / "0015_practitioners_sealed.py"
    spec = spec_from_file_location("revision_0015", path)
    assert spec is not None and spec.loader is not None
    revision = module_from_spec(spec)
    spec.loader.exec_module(revision)
    assert set(revision.KINDS) == {k for k, since in SEALED_SINCE.items() if since == "0015"}
