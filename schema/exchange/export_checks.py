"""Provides the checks a JSON export's rows pass before any of them is stored.

An export is a file a person can open and change. Each table must be a list of rows, each row
an object with this schema's columns, each value of its column's type, each key once, and each
reference to a row the file holds: a file that is not refuses naming the table, the row (counted
from 1 within its table), the column and what is wrong, before a database is made for it. What
only the database can see (its other unique rules) and what the seals tell (a row changed or
removed after Hecht wrote it) is checked as the rows go in (``hecht.schema.exchange.transfer``).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Table

from hecht.scales.limits import cut
from hecht.schema.errors import InvalidInputError
from hecht.schema.trail.chain import GENESIS
from hecht.schema.trail.details import read_detail


def refused(reason: str, message: str, **details: object) -> InvalidInputError:
    """A refused export: ``reason`` names its words (``input.<reason>`` in the catalogues)."""
    return InvalidInputError(message, reason=reason, details=details)


def check_tables(found: Any, tables: list[Table]) -> dict[str, list[dict[str, Any]]]:
    """Return the export's tables, refusing tables that are not lists of well-formed rows,
    repeat a key or point nowhere.

    ``tables`` are the dossier tables in foreign-key order; ``found`` the export's ``tables``.

    Raises:
        InvalidInputError: the first problem, in table order, then row order.
    """
    if not isinstance(found, dict):
        raise refused("export_no_tables", "the export has no 'tables' object")
    for table in tables:
        check_rows(table, found.get(table.name, []))
    held: dict[tuple[str, str], set[Any]] = {}
    names = {table.name for table in tables}
    for table in tables:
        _check_references(table, found, held, names)
    return found


def check_rows(table: Table, rows: Any, called: str | None = None) -> list[dict[str, Any]]:
    """Return one table's rows, refusing rows that are not objects of its columns and types, or
    that repeat a key; ``called`` is the table's name in the file where it differs from the
    database's.

    Raises:
        InvalidInputError: the first problem found.
    """
    name_in_file = called or table.name
    if not isinstance(rows, list):
        raise refused(
            "export_not_rows", f"the export's table '{name_in_file}' is not a list of rows",
            table=name_in_file,
        )  # fmt: skip
    columns = {column.name: column for column in table.columns}
    key = [column.name for column in table.primary_key.columns]
    first_with: dict[tuple[Any, ...], int] = {}
    for number, row in enumerate(rows, start=1):
        where = {"table": name_in_file, "row": number}
        if not isinstance(row, dict):
            raise refused(
                "export_row_not_object",
                f"row {number} of the export's table '{name_in_file}' is not an object", **where,
            )  # fmt: skip
        for name, value in row.items():
            if name not in columns:
                raise refused(
                    "export_unknown_column",
                    f"row {number} of the export's table '{name_in_file}' has a column '{name}' "
                    "that this table does not have", **where, column=safe_name(name),
                )  # fmt: skip
            expected = value_problem(columns[name], value)
            if expected is not None:
                raise refused(
                    "export_bad_value",
                    f"row {number} of the export's table '{name_in_file}': column '{name}' holds "
                    f"{shown(value)}, not {EXPECTED[expected]}", **where, column=name,
                    given=shown(value), expected=expected,
                )  # fmt: skip
        for name, column in columns.items():
            if name not in row:  # a missing column of a later row would be left out unsaid
                raise refused(
                    "export_missing_column",
                    f"row {number} of the export's table '{name_in_file}' has no column "
                    f"'{name}'", **where, column=name,
                )  # fmt: skip
            if _required(column) and row[name] is None:
                raise refused(
                    "export_missing_value",
                    f"row {number} of the export's table '{name_in_file}' has no '{name}'",
                    **where, column=name,
                )  # fmt: skip
        identity = tuple(row.get(name) for name in key)
        if identity in first_with:
            raise refused(
                "export_repeated_row",
                f"row {number} of the export's table '{name_in_file}' repeats the key of row "
                f"{first_with[identity]}", **where, first=first_with[identity],
            )  # fmt: skip
        first_with[identity] = number
    return rows


EXPECTED = {
    "datetime": "an ISO date and time with its UTC offset",
    "date": "an ISO date",
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
    "text": "text",
}
"""What a column holds, by the code ``value_problem`` gives, in the words of the English refusal
(the screens word the code in the reader's language)."""


def value_problem(column: Any, value: Any) -> str | None:
    """What a column expects, as a code of ``EXPECTED``, when ``value`` is not of its type (None
    when it is, or is empty): a JSON type or format a person mending the file can write."""
    if value is None or isinstance(column.type, JSON):
        return None
    stored_as = getattr(column.type, "impl", column.type)  # a decorated type: what it stores
    kind = stored_as.python_type
    if kind is datetime:
        return None if _parses(_moment, value) else "datetime"
    if kind is date:
        return None if _parses(date.fromisoformat, value) else "date"
    if kind is bool:
        return None if isinstance(value, bool) else "bool"
    if kind is int:
        return None if type(value) is int and abs(value) <= LARGEST_INTEGER else "int"
    if kind is float:
        return None if type(value) in (int, float) else "number"
    if kind is str and (not isinstance(value, str) or not _is_utf8(value)):
        return "text"  # a length beyond the column's goes in as SQLite held it: no refusal here
    return None


LARGEST_INTEGER = 2**63 - 1
"""The largest whole number a database column holds (SQLite's and PostgreSQL's BIGINT)."""


def _moment(text: str) -> datetime:
    """A stored moment as Hecht writes it: with its UTC offset, and one UTC can express."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(text) from None


def _is_utf8(text: str) -> bool:
    """Whether text can be stored: JSON's ``\\ud800`` escapes give halves of characters."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parses(reader: Any, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        reader(value)
    except ValueError:
        return False
    return True


def _required(column: Any) -> bool:
    """A column every row must fill: not nullable and without a default of its own."""
    return not column.nullable and column.default is None and column.server_default is None


def shown(value: Any, width: int = 40) -> str:
    """A value as the file holds it (JSON), cut with a mark to a width a message can carry."""
    return cut(json.dumps(value, ensure_ascii=False), width)


def safe_name(name: Any, width: int = 60) -> str:
    """A name or value from a file, as a message may show it: control characters escaped (the
    file's text could move the terminal's cursor or retitle its window), cut to ``width`` with
    a mark where it was cut."""
    return cut(json.dumps(str(name), ensure_ascii=False)[1:-1], width)


def seal_head(seq: int, hash_: str) -> str:
    """The seal chain's head as an export's own access-log event names it (``seq:hash``)."""
    return f"{seq}:{hash_}"


def check_export_events(log: list[dict[str, Any]], *, clients: int, seals: list[Any]) -> None:
    """Refuse an access log that does not end with the export's own events (the log, or its
    end, left out), or whose export event names another seal head than the file's last seal
    (seals and their rows cut off the end, which keeps every remaining seal intact).

    Every export logs itself, then once in each client's log, before it reads the rows; its own
    event names the seal chain's head (``json_all_sealed``; an export of an earlier version,
    ``json_all``, names none), so the log's chain vouches for the seals in the file.
    """
    logged, own = 0, None
    for event in reversed(log):  # the clients' export events, then the export's own
        found = read_detail(str(event.get("detail")))
        if found is not None and found[0] == "json_export":
            logged += 1
            continue
        if found is not None and found[0] in ("json_all", "json_all_sealed"):
            own = found if event.get("event") == "export" else None
        break
    if own is None:
        raise refused(
            "export_log_cut",
            "the export's access log does not end with the export's own events: it was cut",
        )
    if logged != clients:
        raise refused(
            "export_clients_differ",
            f"the export's access log logs it for {logged} clients, while it holds {clients}",
            given=logged, limit=clients,
        )  # fmt: skip
    named = own[1].get("seals")
    last = seal_head(seals[-1]["seq"], seals[-1]["hash"]) if seals else seal_head(0, GENESIS)
    if named is not None and named != last:
        raise refused(
            "export_seals_cut",
            "the export's last seal is not the one its access log names: records were cut off "
            "its end", given=named,
        )  # fmt: skip


def _check_references(
    table: Table, found: dict[str, Any], held: dict[tuple[str, str], set[Any]], names: set[str]
) -> None:
    """Refuse a row pointing to a row the export does not hold (``held`` gathers the keys
    pointed to, table by table, as they are first needed; ``names`` are the export's tables:
    a table outside them, none today, is left to the database)."""
    rows = found.get(table.name, [])
    for column in table.columns:
        for reference in column.foreign_keys:
            target = (reference.column.table.name, reference.column.name)
            if target[0] not in names:
                continue
            if target not in held:
                held[target] = {row.get(target[1]) for row in found.get(target[0], [])}
            for number, row in enumerate(rows, start=1):
                value = row.get(column.name)
                if value is not None and value not in held[target]:
                    raise refused(
                        "export_dangling",
                        f"row {number} of the export's table '{table.name}': column "
                        f"'{column.name}' points to {target[0]} {value}, which the export does "
                        "not hold", table=table.name, row=number, column=column.name,
                        target=target[0], given=value,
                    )  # fmt: skip
