"""Provides the FHIR side of ``hecht export`` and ``hecht import``: checks, calls, messages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hecht.tui.cli.errors import UsageError
from hecht.tui.cli.invocation import Invocation
from hecht.tui.i18n import Messages

if TYPE_CHECKING:
    from hecht.scales.library import ScaleLibrary
    from hecht.schema.exchange.fhir.reading import FhirProblem

# Storage modules are imported inside the functions: `hecht scales …` must not pay for them.


def check_out(invocation: Invocation, out: Path) -> None:
    """Refuse an --out that cannot become the export folder, before the database is opened.

    Raises:
        UsageError: --out is the database or one of its copies, another file, or a new folder
            whose parent is missing or closed.
    """
    from hecht.schema.exchange.files import protected_problem
    from hecht.tui.cli.output import guard_output

    messages = invocation.messages
    database = invocation.database_file()
    if out.exists() and not out.is_dir():
        if protected_problem(out, database) is not None:
            guard_output(out, database, messages)  # says it is the database or a kept copy
        raise UsageError(messages("error.fhir_out_not_folder", path=out))
    if not out.exists():
        guard_output(out, database, messages)  # its folder must exist and be writable


def make_folder(invocation: Invocation, out: Path, names: list[str], force: bool) -> None:
    """Check every Bundle the export will write into ``out``, then make the folder (0700).

    Raises:
        UsageError: a file there may not be replaced (without --force, or never), or the folder
            cannot be made.
    """
    from hecht.schema.exchange.files import PRIVATE_FOLDER
    from hecht.tui.cli.output import guard_output, refused_if_unwritable

    messages = invocation.messages
    if out.is_dir():
        for name in names:
            guard_output(out / name, invocation.database_file(), messages, force=force)
    with refused_if_unwritable(out, messages):
        out.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)


def export_fhir_folder(
    invocation: Invocation, out: Path, *, names: bool, per_client: bool, force: bool
) -> int:
    """Write the practice, or each client, as a FHIR R4 Bundle (JSON) into a folder."""
    from hecht.schema.db.database import unit_of_work
    from hecht.schema.exchange.fhir.export import bundle_names, client_codes, export_fhir
    from hecht.tui.cli.invocation import opened_database
    from hecht.tui.cli.output import kept_only_if_logged, refused_if_unwritable
    from hecht.tui.folders import practice_library
    from hecht.tui.views.formatting import counted

    messages = invocation.messages
    invocation.require_practitioner()
    check_out(invocation, out)
    # one transaction: the clients whose files are checked are the clients written
    with (
        kept_only_if_logged(out),
        opened_database(invocation) as engine,
        unit_of_work(engine) as session,
    ):
        names_ahead = bundle_names(client_codes(session), per_client=per_client)
        make_folder(invocation, out, names_ahead, force)
        with refused_if_unwritable(out, messages):
            report = export_fhir(
                session=session,
                actor=invocation.actor(session),
                library=practice_library(),
                folder=out,
                names=names,
                per_client=per_client,
                language=messages.language,
            )
    for name, resources in report.files.items():
        counts = counted(messages, "resource", resources)
        print(messages("export.fhir_file", path=out / name, resources=counts))
    print(messages("export.fhir_client_system", system=report.client_system))
    return 0


def check_export_options(
    messages: Messages,
    kind: str,
    *,
    names: bool,
    per_client: bool,
    pseudonymize: bool,
    study_key: str | None,
) -> None:
    """Refuse options that do not belong to the chosen format.

    Raises:
        UsageError: --names or --per-client without fhir, or --pseudonymize with fhir.
    """
    if kind != "fhir":
        for flag, given in (("--names", names), ("--per-client", per_client)):
            if given:
                raise UsageError(messages("error.fhir_only_option", option=flag))
    elif pseudonymize or study_key:
        raise UsageError(messages("error.fhir_pseudonymised_already"))


ALIKE_SHOWN = 3
"""How many responses with the very same problem are named before the rest are counted (a
bundle of another practice has every response refused for the same reason)."""


def problem_lines(found: list[FhirProblem], library: ScaleLibrary, messages: Messages) -> list[str]:
    """One line per problem, but of problems alike (same kind, same values) only the first few,
    the last of them followed by how many more there are."""
    from hecht.tui.cli.commands.alike import alike_lines
    from hecht.tui.views.formatting import plural

    return alike_lines(
        found,
        key=lambda problem: (problem.kind, repr(sorted(problem.values.items()))),
        said=lambda problem: problem_text(problem, library, messages),
        more=lambda rest: plural(messages, "import_fhir.more_alike", len(rest), more=len(rest)),
        shown=ALIKE_SHOWN,
    )


def problem_text(problem: FhirProblem, library: ScaleLibrary, messages: Messages) -> str:
    """Phrase one refused resource: where it is in the file, and what is wrong with it (a
    refused answer as ``hecht scales score`` words it, the allowed range in the reader's
    language)."""
    from hecht.tui.views.answer_text import reported_refusal

    if problem.entry == 0:
        where = messages("import_fhir.where_file")
    else:
        where = messages("import_fhir.where", entry=problem.entry, id=problem.resource_id or "-")
    if problem.kind.startswith("answer_"):
        return f"{where}: {reported_refusal(problem.kind, problem.values, library, messages)}"
    return f"{where}: {messages('import_fhir.problem.' + problem.kind, **problem.values)}"


def run_import_fhir(invocation: Invocation, source: Path) -> int:
    """Import QuestionnaireResponses for known scales and clients: all of them, or none."""
    from hecht.schema.exchange.fhir.imports import import_responses
    from hecht.schema.exchange.fhir.reading import Problems
    from hecht.tui.cli.commands.source import read_json
    from hecht.tui.cli.invocation import storing_forms
    from hecht.tui.folders import practice_library
    from hecht.tui.views.formatting import counted, plural

    messages = invocation.messages
    invocation.require_practitioner()  # the answers are stored as entered by someone
    document = read_json(source, messages, "fhir")
    library = practice_library()
    try:
        with storing_forms(invocation) as (session, progress):
            report = import_responses(
                session=session,
                actor=invocation.actor(session),
                library=library,
                document=document,
                progress=progress,
            )
    except Problems as refused:
        for line in problem_lines(refused.found, library, messages):
            print(f"{source}: {line}")
        print(messages("import_fhir.refused", bad=counted(messages, "problem", len(refused.found))))
        return 2
    written = report.written
    print(plural(messages, "import_fhir.done", written, path=source, written=written))
    if report.skipped:
        skipped = report.skipped
        print(plural(messages, "import_fhir.skipped", skipped, skipped=skipped))
    return 0
