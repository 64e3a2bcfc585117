"""Provides ``hecht backup|restore|export|import``: data in and out, each audited."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from hecht.tui.cli import UsageError
from hecht.tui.i18n import Messages

# Storage modules are imported inside the commands: `hecht scales …` must not pay for them.


def register(commands: Any, messages: Messages) -> None:
    """Add the data commands."""
    backup = commands.add_parser("backup", help=messages("help.backup"))
    backup.add_argument("target", metavar="FILE", type=Path)
    backup.set_defaults(run=run_backup)
    restore = commands.add_parser("restore", help=messages("help.restore"))
    restore.add_argument("source", metavar="FILE", type=Path)
    restore.set_defaults(run=run_restore)
    export = commands.add_parser("export", help=messages("help.export"))
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--out", metavar="FILE_OR_FOLDER", type=Path, required=True)
    export.add_argument("--pseudonymize", action="store_true", help=messages("help.pseudonymize"))
    export.add_argument("--study-key", metavar="KEY", help=messages("help.study_key"))
    export.set_defaults(run=run_export)
    load = commands.add_parser("import", help=messages("help.import"))
    load.add_argument("source", metavar="FILE", type=Path)
    load.set_defaults(run=run_import)
    paper = commands.add_parser("import-csv", help=messages("help.import_csv"))
    paper.add_argument("source", metavar="FILE", type=Path)
    paper.add_argument("--dry-run", action="store_true", help=messages("help.dry_run"))
    paper.set_defaults(run=run_import_csv)


def sqlite_file(args: argparse.Namespace, messages: Messages) -> Path:
    """Return the SQLite file in use, or refuse: backup and restore are for SQLite files."""
    from sqlalchemy.engine import make_url

    from hecht.tui.context import command_database_url

    url = make_url(command_database_url(args))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise UsageError(messages("error.backup_sqlite_only"))
    return Path(url.database)


def run_backup(args: argparse.Namespace, messages: Messages) -> int:
    """Make a verified copy of the database file."""
    from hecht.schema import audit
    from hecht.schema.audit import AuditKind
    from hecht.schema.backup import BackupError, backup_sqlite
    from hecht.schema.database import unit_of_work
    from hecht.tui.context import command_actor, command_engine

    source = sqlite_file(args, messages)
    engine = command_engine(args)
    try:
        with unit_of_work(engine) as session:
            audit.record(
                session=session, actor=command_actor(), event=AuditKind.EXPORT, detail="backup"
            )
        report = backup_sqlite(source, args.target)
    except BackupError as error:
        raise UsageError(str(error)) from None
    finally:
        engine.dispose()
    rows = sum(report.row_counts.values())
    print(messages("backup.done", path=report.path, tables=len(report.row_counts), rows=rows))
    return 0


def run_restore(args: argparse.Namespace, messages: Messages) -> int:
    """Replace the database with a verified backup; the old file is kept."""
    from hecht.schema import audit
    from hecht.schema.audit import AuditKind
    from hecht.schema.backup import BackupError, restore_sqlite
    from hecht.schema.database import unit_of_work
    from hecht.tui.context import command_actor, command_engine

    database = sqlite_file(args, messages)
    try:
        kept = restore_sqlite(args.source, database)
    except BackupError as error:
        raise UsageError(str(error)) from None
    engine = command_engine(args)
    try:
        with unit_of_work(engine) as session:
            audit.record(
                session=session, actor=command_actor(), event=AuditKind.IMPORT, detail="restore"
            )
    finally:
        engine.dispose()
    print(messages("restore.done", database=database, kept=kept or "—"))
    return 0


def run_export(args: argparse.Namespace, messages: Messages) -> int:
    """Write the complete database as JSON, or the CSV files for a statistician."""
    if args.format == "csv":
        return run_export_csv(args, messages)
    from hecht.schema.database import unit_of_work
    from hecht.schema.transfer import export_document, write_export
    from hecht.tui.context import command_actor, command_engine

    if args.pseudonymize:
        raise UsageError(messages("error.json_not_pseudonymized"))
    if not args.out.parent.is_dir():
        raise UsageError(messages("error.no_folder", path=args.out.parent))
    engine = command_engine(args)
    try:
        with unit_of_work(engine) as session:
            document = export_document(session=session, actor=command_actor())
            write_export(document, args.out)
    except OSError as error:
        raise UsageError(
            messages("error.cannot_write", path=args.out, reason=error.strerror)
        ) from None
    finally:
        engine.dispose()
    rows = sum(len(rows) for rows in document["tables"].values())
    print(messages("export.done", path=args.out, rows=rows))
    return 0


def run_export_csv(args: argparse.Namespace, messages: Messages) -> int:
    """Write long.csv, wide.csv and the codebooks into a folder, pseudonymised on request."""
    from hecht.scales.library import load_library
    from hecht.schema.csv_export import export_csv
    from hecht.schema.database import unit_of_work
    from hecht.tui.context import command_actor, command_engine
    from hecht.tui.settings import local_scales_dir

    if args.pseudonymize and not (args.study_key or "").strip():
        raise UsageError(messages("error.study_key_needed"))
    if args.study_key and not args.pseudonymize:
        raise UsageError(messages("error.study_key_without_pseudonymize"))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            messages("error.cannot_write", path=args.out, reason=error.strerror)
        ) from None
    engine = command_engine(args)
    try:
        with unit_of_work(engine) as session:
            report = export_csv(
                session=session,
                actor=command_actor(),
                library=load_library(local_scales_dir()),
                folder=args.out,
                study_key=args.study_key if args.pseudonymize else None,
            )
    except OSError as error:
        raise UsageError(
            messages("error.cannot_write", path=args.out, reason=error.strerror)
        ) from None
    finally:
        engine.dispose()
    for name, rows in report.files.items():
        print(messages("export.file", path=args.out / name, rows=rows))
    return 0


def run_import(args: argparse.Namespace, messages: Messages) -> int:
    """Load a JSON export into an empty database."""
    from hecht.schema.database import unit_of_work
    from hecht.schema.errors import ServiceError
    from hecht.schema.transfer import import_document
    from hecht.tui.context import command_actor, command_engine

    try:
        document = json.loads(args.source.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"{args.source}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(messages("error.not_json", path=args.source, reason=error)) from None
    engine = command_engine(args)
    try:
        with unit_of_work(engine) as session:
            counts = import_document(session=session, actor=command_actor(), document=document)
    except ServiceError as error:
        raise UsageError(f"{args.source}: {error}") from None
    finally:
        engine.dispose()
    print(messages("import.done", path=args.source, rows=sum(counts.values())))
    return 0


def run_import_csv(args: argparse.Namespace, messages: Messages) -> int:
    """Import historical paper records: every row checked first, all or nothing written."""
    from hecht.scales.library import load_library
    from hecht.schema.csv_import import CsvImportError, import_paper_records
    from hecht.schema.database import unit_of_work
    from hecht.tui.context import command_actor, command_engine
    from hecht.tui.settings import local_scales_dir

    try:
        text = args.source.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"{args.source}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(messages("error.not_utf8", path=args.source)) from None
    engine = command_engine(args)
    try:
        with unit_of_work(engine) as session:
            report = import_paper_records(
                session=session,
                actor=command_actor(),
                library=load_library(local_scales_dir()),
                text=text,
                dry_run=args.dry_run,
            )
    except CsvImportError as error:
        raise UsageError(f"{args.source}: {error}") from None
    finally:
        engine.dispose()
    for problem in report.problems:
        print(f"{args.source}: {problem}")
    if report.problems:
        print(messages("import_csv.refused", bad=len(report.problems), total=report.checked))
        return 2
    key = "import_csv.checked" if args.dry_run else "import_csv.done"
    print(messages(key, total=report.checked, written=report.written))
    return 0
