"""Provides ``hecht backup|restore|export|import``: data in and out, each audited."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from hecht.tui.cli.commands.group import database_options, invocation, plain_option
from hecht.tui.cli.commands.source import read_json, read_source
from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def commands(messages: Messages) -> dict[str, click.Command]:
    """The data commands: backup, restore, export, import, import-csv."""
    force = click.option("--force", is_flag=True, help=messages("help.force"))

    @click.command(help=messages("help.backup"))
    @click.argument("target", metavar=messages("metavar.file"), type=Path)
    @database_options(messages)
    def backup(target: Path, db: str | None, demo: bool) -> int:
        return run_backup(invocation(db, demo), target)

    @click.command(help=messages("help.restore"))
    @click.argument("source", metavar=messages("metavar.file"), type=Path)
    @click.option("--yes", is_flag=True, help=messages("help.yes"))
    @database_options(messages, demo=False)
    def restore(source: Path, yes: bool, db: str | None) -> int:
        return run_restore(invocation(db, demo_allowed=False), source, yes)

    @click.command(help=messages("help.export"))
    @click.option("--format", "kind", type=click.Choice(("json", "csv", "fhir")), default="json",
                  help=messages("help.export.format"))  # fmt: skip
    @click.option("--out", metavar=messages("metavar.file_or_folder"), type=Path, required=True,
                  help=messages("help.export.out"))  # fmt: skip
    @click.option("--pseudonymize", is_flag=True, help=messages("help.pseudonymize"))
    @click.option("--study-key", metavar=messages("metavar.key"), help=messages("help.study_key"))
    @click.option("--names", is_flag=True, help=messages("help.export.names"))
    @click.option("--per-client", is_flag=True, help=messages("help.export.per_client"))
    @force
    @plain_option(messages)
    @database_options(messages)
    def export(kind: str, out: Path, pseudonymize: bool, study_key: str | None, names: bool,
               per_client: bool, force: bool, plain: bool, db: str | None,
               demo: bool) -> int:  # fmt: skip
        from hecht.tui.cli.commands.fhir import check_export_options, export_fhir_folder
        from hecht.tui.cli.output import guard_plain

        check_export_options(
            messages, kind, names=names, per_client=per_client, pseudonymize=pseudonymize,
            study_key=study_key,
        )  # fmt: skip
        found = invocation(db, demo)
        guard_plain(found.database_file(), out, messages, plain=plain)
        if kind == "fhir":
            return export_fhir_folder(found, out, names=names, per_client=per_client, force=force)
        if kind == "csv":
            key = study_key if pseudonymize else None
            return export_csv_folder(
                found, out, key, pseudonymize=pseudonymize, study_key=study_key, force=force
            )
        if pseudonymize:
            raise UsageError(messages("error.json_not_pseudonymized"))
        return export_json(found, out, force=force)

    @click.command("import", help=messages("help.import"))
    @click.argument("source", metavar=messages("metavar.file"), type=Path)
    @click.option("--format", "kind", type=click.Choice(("json", "fhir")), default="json",
                  help=messages("help.import.format"))  # fmt: skip
    @database_options(messages, demo=False)
    def load(source: Path, kind: str, db: str | None) -> int:
        if kind == "fhir":
            from hecht.tui.cli.commands.fhir import run_import_fhir

            return run_import_fhir(invocation(db, demo_allowed=False), source)
        return run_import(invocation(db, demo_allowed=False), source)

    @click.command("import-csv", help=messages("help.import_csv"))
    @click.argument("source", metavar=messages("metavar.file"), type=Path)
    @click.option("--dry-run", is_flag=True, help=messages("help.dry_run"))
    @database_options(messages)
    def paper(source: Path, dry_run: bool, db: str | None, demo: bool) -> int:
        return run_import_csv(invocation(db, demo), source, dry_run)

    found = (backup, restore, export, load, paper)
    return {command.name: command for command in found if command.name}


def database_file(invocation: Invocation) -> Path:
    """Return the SQLite file in use, or refuse: backup and restore are for SQLite files."""
    path = invocation.database_file()
    if path is None:
        raise UsageError(invocation.messages("error.backup_sqlite_only"))
    return path


def backup_refusal(error: Any, messages: Messages) -> UsageError:
    """Word a refused backup or restore for the person who asked for it (for a backup changed
    outside Hecht: the first thing ``hecht audit verify`` finds in it)."""
    detail = _refusal_detail(error, messages)
    return UsageError(
        messages(f"backup.error.{error.problem.value}", path=error.path, detail=detail)
    )


def _refusal_detail(error: Any, messages: Messages) -> str:
    """What is wrong with a backup; for one changed outside Hecht, the first thing ``hecht audit
    verify`` finds in it and how many more."""
    if error.report is None:
        return str(error.detail)
    from hecht.schema.trail.seals import changes_in
    from hecht.tui.cli.commands.audit import findings_said

    report = error.report
    return findings_said(report.chain.problems, changes_in(report.findings), messages)


def run_backup(invocation: Invocation, target: Path) -> int:
    """Make a verified copy of the database file; the export is logged once it is made. Exit
    2 when ``hecht restore`` would refuse the copy (the practice does not verify)."""
    from hecht.schema.db.cipher import key_for
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.exchange.backup import BackupError, BackupProblem, backup_sqlite
    from hecht.schema.trail import audit
    from hecht.schema.trail.anchor import head_file
    from hecht.schema.trail.audit import AuditKind
    from hecht.schema.trail.details import detail_of
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import guard_output, kept_only_if_logged, write_refusal

    messages = invocation.messages
    source = database_file(invocation)
    # no --force: what it could replace is never an earlier backup, only some other file
    guard_output(target, source, messages, exists_key="backup.error.exists")
    invocation.require_practitioner()
    # a backup (and the head carried beside it) whose log entry is refused is removed
    with opened_database(invocation) as engine, kept_only_if_logged(target, head_file(target)):
        key = key_for(source)  # an encrypted database backs up encrypted, with its own key
        try:
            report = backup_sqlite(source, target, source_key=key, target_key=key)
        except BackupError as error:
            if error.problem is BackupProblem.CANNOT_COPY and error.cause is not None:
                raise write_refusal(target, error.cause, messages) from None
            raise backup_refusal(error, messages) from None
        with unit_of_work(engine) as session:
            audit.record(
                session=session,
                actor=invocation.actor(session),
                event=AuditKind.EXPORT,
                detail=detail_of("backup"),
            )
    from hecht.tui.views.formatting import counted

    rows = counted(messages, "row", sum(report.row_counts.values()))
    print(messages("backup.done", path=report.path, tables=len(report.row_counts), rows=rows))
    refusal = _restore_refusal(target, key, messages)
    if refusal is None:
        return 0
    print(messages("backup.does_not_verify", detail=refusal), file=sys.stderr)
    return 2


def _restore_refusal(backup: Path, key: str | None, messages: Messages) -> str | None:
    """What ``hecht restore`` would refuse the backup just made for: a change made outside
    Hecht in the practice, and so in its copy (``hecht audit verify``'s first finding); None
    when it would restore. Said now, not on the day the backup is needed; the backup is kept,
    as it may be all there is."""
    from hecht.schema.exchange.backup import BackupError, refuse_if_changed

    try:
        refuse_if_changed(backup, key)
    except BackupError as error:
        return _refusal_detail(error, messages)
    return None


def confirm_restore(invocation: Invocation, source: Path, clients: int) -> None:
    """Ask the user to type yes (in their language) before the database is replaced.

    Raises:
        UsageError: not confirmed, or no terminal to ask in.
    """
    messages = invocation.messages
    if not sys.stdin.isatty():
        raise UsageError(messages("restore.confirm_needed"))
    from hecht.tui.views.formatting import counted

    database, count = invocation.database_file(), counted(messages, "client", clients)
    typed = input(messages("restore.confirm", database=database, source=source, clients=count))
    if typed.strip().casefold() != messages("restore.confirm_word").casefold():
        raise UsageError(messages("restore.not_confirmed"))


def run_restore(invocation: Invocation, source: Path, yes: bool = False) -> int:
    """Replace the database with a verified backup, after confirmation; the old file is kept."""
    from hecht.schema.db.claim import DatabaseInUse, refuse_if_in_use
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.exchange.backup import BackupError, check_restorable, restore_sqlite
    from hecht.schema.trail import audit
    from hecht.schema.trail.audit import AuditKind
    from hecht.schema.trail.details import detail_of
    from hecht.tui.cli.invocation import check_location, opened_database

    messages = invocation.messages
    database = database_file(invocation)
    check_location(invocation.database_url(), messages, may_create=True)
    invocation.require_practitioner(may_create=True)
    try:
        refuse_if_in_use(database)  # before anyone types yes; held for the replacement itself
        counts = check_restorable(source, database)
        if not yes:
            confirm_restore(invocation, source, counts.get("client", 0))
        kept = restore_sqlite(source, database)
    except BackupError as error:
        raise backup_refusal(error, messages) from None
    except DatabaseInUse:
        raise UsageError(messages("db.in_use", path=database, command="hecht restore")) from None
    try:
        with opened_database(invocation) as engine, unit_of_work(engine) as session:
            audit.record(
                session=session,
                actor=invocation.actor(session),
                event=AuditKind.IMPORT,
                detail=detail_of("restore"),
            )
    except UsageError as error:  # restored already: say so, whatever kept the log from it
        reason = error.reason or str(error)
        said = messages("restore.not_logged", database=database, kept=kept or "—", reason=reason)
        raise UsageError(said) from None
    print(messages("restore.done", database=database, kept=kept or "—"))
    return 0


def export_json(invocation: Invocation, out: Path, *, force: bool = False) -> int:
    """Write the whole database as one JSON file (an audited export); exit 2 when ``hecht
    import`` would refuse it (the file is kept: it may be all there is)."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.exchange.transfer import export_document, write_export
    from hecht.tui.cli.commands.db import refuse_a_limited_role
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import guard_output, kept_only_if_logged, refused_if_unwritable

    messages = invocation.messages
    invocation.require_practitioner()
    guard_output(out, invocation.database_file(), messages, force=force)
    with opened_database(invocation) as engine:
        with kept_only_if_logged(out), unit_of_work(engine) as session:
            refuse_a_limited_role(session, messages, "caseload.limited.export")
            document = export_document(session=session, actor=invocation.actor(session))
            with refused_if_unwritable(out, messages):
                write_export(document, out)
        written = sum(len(rows) for rows in document["tables"].values())
        del document  # the check reads the file back: one practice in memory at a time
        # checked once the export's unit of work let go of the chain's lock: others may store
        refusal = _import_refusal(engine, out, messages)
    from hecht.tui.views.formatting import counted

    print(messages("export.done", path=out, rows=counted(messages, "row", written)))
    if refusal is None:
        return 0
    print(messages("export.does_not_verify", detail=refusal), file=sys.stderr)
    return 2


def _import_refusal(engine: Any, out: Path, messages: Messages) -> str | None:
    """What ``hecht import`` would refuse the export just written for, read back as import
    reads it: its shape and access log, then its rows against its seals (a practice that does
    not verify gives an export that does not import); None when it would import."""
    from hecht.schema.errors import ServiceError
    from hecht.schema.exchange.transfer import changes_in_export, check_document
    from hecht.tui.cli.commands.audit import findings_said

    document = read_json(out, messages, "json")
    try:
        check_document(document)
    except ServiceError as error:
        return import_refusal_text(error, messages)
    with engine.connect() as connection:
        changed = changes_in_export(connection, document)
    return findings_said([], changed, messages) if changed else None


def csv_folder(out: Path, invocation: Invocation, force: bool) -> None:
    """Make the export folder (its parent must exist) and check every file it will hold."""
    from hecht.schema.exchange.csv_export import CSV_FILES
    from hecht.schema.exchange.files import PRIVATE_FOLDER
    from hecht.tui.cli.output import guard_output, refused_if_unwritable

    messages = invocation.messages
    if out.exists() and not out.is_dir():
        raise UsageError(messages("error.csv_out_not_folder", path=out))
    database = invocation.database_file()
    if not out.exists():
        guard_output(out, database, messages)  # its folder must exist and be writable
    else:
        for name in CSV_FILES:
            guard_output(out / name, database, messages, force=force)
    with refused_if_unwritable(out, messages):
        out.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)


def export_csv_folder(
    invocation: Invocation,
    out: Path,
    key: str | None,
    *,
    pseudonymize: bool,
    study_key: str | None,
    force: bool = False,
) -> int:
    """Write long.csv, wide.csv and the codebooks into a folder, pseudonymised on request."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.exchange.csv_export import export_csv
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import kept_only_if_logged, refused_if_unwritable
    from hecht.tui.folders import practice_library

    messages = invocation.messages
    if pseudonymize and not (study_key or "").strip():
        raise UsageError(messages("error.study_key_needed"))
    if study_key and not pseudonymize:
        raise UsageError(messages("error.study_key_without_pseudonymize"))
    invocation.require_practitioner()
    csv_folder(out, invocation, force)
    with (
        kept_only_if_logged(out),
        opened_database(invocation) as engine,
        unit_of_work(engine) as session,
        refused_if_unwritable(out, messages),
    ):
        report = export_csv(
            session=session,
            actor=invocation.actor(session),
            library=practice_library(),
            folder=out,
            study_key=key,
        )
    from hecht.tui.views.formatting import counted

    for name, rows in report.files.items():
        print(messages("export.file", path=out / name, rows=counted(messages, "row", rows)))
    return 0


@contextmanager
def made_only_if_filled(database: Path | None) -> Iterator[None]:
    """Remove the database (and the files beside it) that the block made, when it fails: an
    import refused leaves no empty practice where there was none."""
    from hecht.schema.exchange.files import database_files

    new = database is not None and (not database.exists() or database.stat().st_size == 0)
    try:
        yield
    except BaseException:
        if new and database is not None:
            for path in database_files(database):
                path.unlink(missing_ok=True)
        raise


def run_import(invocation: Invocation, source: Path) -> int:
    """Load a JSON export into an empty database (a new file is created for it)."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.schema.exchange.transfer import check_document, import_document
    from hecht.tui.cli.invocation import opened_database

    messages = invocation.messages
    invocation.require_practitioner(may_create=True)
    document = read_json(source, messages, "json")
    try:
        check_document(document)  # before a new database is made for it
        with (
            made_only_if_filled(invocation.database_file()),
            opened_database(invocation, may_create=True) as engine,
            unit_of_work(engine) as session,
        ):
            counts = import_document(
                session=session,
                actor=invocation.actor(),
                document=document,
                practitioner=invocation.config.practitioner,
            )
    except ServiceError as error:
        problem = import_refusal_text(error, messages)
        raise UsageError(messages("import.refused", path=source, problem=problem)) from None
    from hecht.tui.views.formatting import counted

    print(messages("import.done", path=source, rows=counted(messages, "row", sum(counts.values()))))
    _say_if_plain(invocation)
    return 0


def import_refusal_text(error: Any, messages: Messages) -> str:
    """Word a refused JSON import: an export changed outside Hecht as ``hecht audit verify``
    words its first finding, a value of the wrong type with what its column expects."""
    from hecht.tui.views.service_text import service_error_text

    findings = getattr(error, "findings", None)
    if findings:
        from hecht.tui.cli.commands.audit import findings_said

        return messages("import.changed", detail=findings_said([], findings, messages))
    if error.reason == "export_bad_value":
        import copy

        expected = f"import.expect.{error.details['expected']}"
        worded = copy.copy(error)
        worded.details = {
            **error.details,
            "expected": messages(expected, limit=error.details.get("limit", "")),
        }
        return service_error_text(worded, messages)
    return service_error_text(error, messages)


def _say_if_plain(invocation: Invocation) -> None:
    """An import fills a new file with names and notes: say so when it is not encrypted (an
    export holds no trace of whether its practice was)."""
    from hecht.schema.db.cipher import is_encrypted

    database = invocation.database_file()
    if database is not None and not is_encrypted(database):
        print(invocation.messages("import.not_encrypted", path=database), file=sys.stderr)


CSV_ALIKE_SHOWN = 10
"""How many rows with one kind of problem are named before the rest are counted: enough to see
the pattern and the first lines to mend (a file imported twice has every row refused alike)."""


def rows_more(rest: list[Any], messages: Messages) -> str:
    """How many more rows have a kind of problem (a row may have it in several columns)."""
    from hecht.tui.views.formatting import plural

    more = len({problem.line for problem in rest})
    return plural(messages, "import_csv.more_alike", more, more=more)


def run_import_csv(invocation: Invocation, source: Path, dry_run: bool) -> int:
    """Import historical paper records: every row checked first, all or nothing written."""
    from hecht.schema.exchange.csv_import import CsvImportError, import_paper_records
    from hecht.tui.cli.commands.csv_problems import problem_text
    from hecht.tui.cli.invocation import storing_forms
    from hecht.tui.folders import practice_library

    messages = invocation.messages
    if not dry_run:
        invocation.require_practitioner()  # the answers are stored as entered by someone
    text = read_source(source, messages, "csv", "utf-8-sig")
    library = practice_library()
    try:
        with storing_forms(invocation) as (session, progress):
            report = import_paper_records(
                session=session,
                # a dry run stores and logs nothing: it needs no name
                actor=invocation.actor() if dry_run else invocation.actor(session),
                library=library,
                text=text,
                dry_run=dry_run,
                progress=progress,
            )
    except CsvImportError as error:
        said = "; ".join(problem_text(problem, library, messages) for problem in error.problems)
        raise UsageError(f"{source}: {said}") from None
    from hecht.tui.cli.commands.alike import alike_lines
    from hecht.tui.views.formatting import counted, plural

    for line in alike_lines(
        report.problems,
        key=lambda problem: problem.kind,
        said=lambda problem: problem_text(problem, library, messages),
        more=lambda rest: rows_more(rest, messages),
        shown=CSV_ALIKE_SHOWN,
    ):
        print(f"{source}: {line}")

    if report.problems:
        bad = len({problem.line for problem in report.problems})  # a row may have several
        rows = counted(messages, "row", report.checked)
        print(plural(messages, "import_csv.refused", bad, bad=bad, total=rows))
        return 2
    key = "import_csv.checked" if dry_run else "import_csv.done"
    written = counted(messages, "administration", report.written)
    print(plural(messages, key, report.checked, total=report.checked, written=written))
    return 0
