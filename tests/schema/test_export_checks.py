"""A JSON export is a file a person can open and change: the import stores it only when every
row is as this schema stores it and as Hecht sealed it; otherwise it names what is wrong and
stores nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.errors import InvalidInputError
from hecht.schema.exchange.transfer import ChangedExport, check_document, import_document
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
    "text longer than its column": (
        lambda d: tables(d)["itemresponse"][0].update(item_id="x" * 41), "export_bad_value",
        {"table": "itemresponse", "column": "item_id", "expected": "short_text", "limit": 40},
    ),
    "a required value left out": (
        lambda d: tables(d)["client"][0].pop("code"), "export_missing_value",
        {"table": "client", "row": 1, "column": "code"},
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
    "the scores left out": (
        lambda d: tables(d).pop("score"), "row_removed", {"kind": "score", "id": 1, "client": "P1"},
    ),
    "a form added": (
        lambda d: tables(d)["client"].append({**tables(d)["client"][1], "id": 3, "code": "P3"}),
        "row_unsealed", {"kind": "client", "id": 3, "client": "P3"},
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
