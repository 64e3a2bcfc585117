"""Provides the reading of FHIR QuestionnaireResponses for import: every problem, by resource.

Pure: a parsed JSON document and the scale library in, checked responses or problems out. A
response is read when it answers a Hecht Questionnaire (``terms.questionnaire_url``, with or
without ``|version``), is ``completed`` or ``amended`` (unfinished ones are skipped), names its
client by code (on the subject, or on the Patient the subject references in the same Bundle)
and gives an ``authored`` date; each answer must be a code (valueCoding, or for a numeric item
valueInteger / valueDecimal) the item offers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hecht.scales.answers import AnswerError, AnswerProblem, allowed_codes, check_code
from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.model import ScaleDefinition
from hecht.schema.exchange.export_checks import safe_name
from hecht.schema.exchange.fhir import terms
from hecht.schema.exchange.fhir.terms import PracticeUris

READ_STATUSES = ("completed", "amended")
"""Responses whose answers are final; ``in-progress`` and ``stopped`` ones are skipped, any
other status (``entered-in-error``, a typo) is a problem."""
SKIPPED_STATUSES = ("in-progress", "stopped")
MAX_RESPONSES = 10_000
AUTHORED = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?"
)
"""A day, or a moment with its time zone, as FHIR's dateTime writes them (a month is no day)."""
"""More responses than any practice enters by hand in years: a larger file is refused whole."""


@dataclass(frozen=True)
class FhirProblem:
    """What is wrong with one resource: where (entry number and id), what (a kind) and details.

    ``kind`` names a message; ``values`` fill it in (an ``answer_*`` kind, a refused answer, has
    the ``scale`` and ``version`` it was given for, so its allowed codes are worded in the reader's
    language). ``entry`` is 1-based, 0 for the file.
    """

    entry: int
    resource_id: str
    kind: str
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, entry: int, resource_id: str, kind: str, **values: Any) -> FhirProblem:
        """A problem with what the file says as a message may show it (control characters
        escaped: a value from a file must not move the terminal's cursor; cut with a mark)."""
        return cls(entry, resource_id, kind, {key: safe_name(v, 80) for key, v in values.items()})

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value}" for key, value in self.values.items())
        return f"entry {self.entry} ({self.resource_id or '-'}): {self.kind} {details}".rstrip()


class WrongType(ValueError):
    """An answer of a type no item takes (``valueString``, ``valueBoolean``), as given."""

    def __init__(self, given: str) -> None:
        super().__init__(given)
        self.given = given


@dataclass(frozen=True)
class ResponseIn:
    """A checked response, ready for the storage side to match to its client."""

    entry: int
    resource_id: str
    client_code: str
    scale_id: str
    scale_version: str
    observed_on: date
    answers: dict[str, str | None]
    """Item id -> the code as typed, None for an unanswered item; every item present."""
    own_record: str | None = None
    """The response's identifier in the practice's own system of administrations
    (``lineage.version``): a form Hecht exported from this practice."""


class Problems(Exception):
    """The problems found; nothing may be written."""

    def __init__(self, found: list[FhirProblem]) -> None:
        self.found = found
        super().__init__("; ".join(str(problem) for problem in found))


def responses_in(document: Any) -> list[tuple[int, dict[str, Any]]]:
    """The QuestionnaireResponses of a Bundle (with their entry numbers) or of a single one.

    Raises:
        Problems: not a FHIR Bundle or QuestionnaireResponse, or none in it, or too many.
    """
    kind = document.get("resourceType") if isinstance(document, dict) else None
    if kind == "QuestionnaireResponse":
        return [(1, document)]
    if kind != "Bundle":
        raise Problems([FhirProblem(0, "", "not_fhir", {"found": str(kind or "-")[:40]})])
    entries = document.get("entry") or []
    found = [
        (number, entry["resource"])
        for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1)
        if isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == "QuestionnaireResponse"
    ]
    if not found:
        raise Problems([FhirProblem(0, "", "no_responses")])
    if len(found) > MAX_RESPONSES:
        raise Problems([FhirProblem(0, "", "too_many", {"limit": str(MAX_RESPONSES)})])
    return found


STORING_METHODS = ("POST", "PUT")
"""The requests of a batch or transaction Bundle that give a response to store; DELETE (or GET,
PATCH) of a response asks something else, which an import must not read as a new form."""


def other_requests(document: Any) -> dict[int, str]:
    """The entries (by number) of a batch or transaction Bundle whose request is not to store
    the resource they carry, with that request's method."""
    entries = document.get("entry") if isinstance(document, dict) else None
    found = {}
    for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        if not isinstance(entry, dict) or "request" not in entry:
            continue
        request = entry["request"]
        method = request.get("method") if isinstance(request, dict) else request
        if not (isinstance(method, str) and method.upper() in STORING_METHODS):
            found[number] = method if isinstance(method, str) and method.strip() else ""
    return found


def patients_by_url(document: Any) -> dict[str, list[dict[str, Any]]]:
    """The Patients of a Bundle by full URL and by ``Patient/id``, for subject references (all
    of them: two Patients under one URL make the subject ambiguous, not the last one's)."""
    patients: dict[str, list[dict[str, Any]]] = {}
    entries = document.get("entry") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Patient":
            if isinstance(entry.get("fullUrl"), str):
                patients.setdefault(entry["fullUrl"], []).append(resource)
            patients.setdefault(f"Patient/{resource.get('id')}", []).append(resource)
    return patients


class Reader:
    """Checks one response after another against the library; collects every problem."""

    def __init__(
        self, library: ScaleLibrary, patients: dict[str, list[dict[str, Any]]], uris: PracticeUris
    ) -> None:
        self.library, self.patients, self.uris = library, patients, uris
        self.client_system = uris.client_system
        self.problems: list[FhirProblem] = []

    def problem(self, entry: int, resource: dict[str, Any], kind: str, **values: Any) -> None:
        """Note a problem of the resource at ``entry`` (``FhirProblem.of``)."""
        resource_id = safe_name(resource.get("id", ""), 64)
        self.problems.append(FhirProblem.of(entry, resource_id, kind, **values))

    def definition(self, entry: int, resource: dict[str, Any]) -> ScaleDefinition | None:
        """The scale a response answers, from its canonical ``questionnaire``."""
        canonical = resource.get("questionnaire")
        url, _, version = str(canonical or "").partition("|")
        prefix = terms.questionnaire_url("")
        if not url.startswith(prefix) or not url[len(prefix) :]:
            self.problem(entry, resource, "questionnaire", value=canonical or "-")
            return None
        try:
            return self.library.get(url[len(prefix) :], version or None)
        except UnknownScaleError as error:
            if error.versions:  # the scale is known, the version is not
                versions = ", ".join(error.versions)
                self.problem(entry, resource, "version_unknown", value=canonical, versions=versions)
            else:
                known = ", ".join(error.known)
                self.problem(entry, resource, "scale_unknown", value=canonical, known=known)
            return None

    def client_code(self, entry: int, resource: dict[str, Any]) -> str | None:
        """The client code of the subject: its identifier, or its Patient's in the Bundle; a
        subject named with two codes (or by a reference two Patients share) is refused, never
        settled by which comes first."""
        subject = resource.get("subject")
        subject = subject if isinstance(subject, dict) else {}
        identifiers = [subject.get("identifier")]
        for patient in self.patients.get(str(subject.get("reference")), []):
            if isinstance(patient.get("identifier"), list):
                identifiers += patient["identifier"]
        codes: dict[str, str] = {}
        for identifier in identifiers:
            if isinstance(identifier, dict) and identifier.get("system") == self.client_system:
                value = identifier.get("value")
                if isinstance(value, str) and value.strip():
                    codes.setdefault(value.strip().casefold(), value.strip())
        if len(codes) > 1:
            self.problem(entry, resource, "subject_ambiguous", codes=", ".join(codes.values()))
            return None
        if codes:
            return next(iter(codes.values()))
        self.problem(entry, resource, "subject", system=self.client_system)
        return None

    def own_record(self, resource: dict[str, Any]) -> str | None:
        """The response's identifier in this practice's system of administrations, if any."""
        identifier = resource.get("identifier")
        if (
            isinstance(identifier, dict)
            and identifier.get("system") == self.uris.administration_system
        ):
            return str(identifier.get("value"))
        return None

    def observed_on(self, entry: int, resource: dict[str, Any]) -> date | None:
        """The day the answers were given (``authored``)."""
        authored = resource.get("authored")
        text = str(authored)
        try:
            if not AUTHORED.fullmatch(text):  # fromisoformat also reads 20261101 and 2026-W44
                raise ValueError(text)
            if len(text) == len("YYYY-MM-DD"):
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            self.problem(entry, resource, "authored", value=authored or "-")
            return None

    def answer(self, definition: ScaleDefinition, item_id: str, answers: Any) -> str | None:
        """The code typed for one item (None when unanswered); AnswerError when not allowed,
        WrongType when not given as a code or a number."""
        if not answers:
            return None
        item = definition.item(item_id)
        if not isinstance(answers, list) or len(answers) != 1 or not isinstance(answers[0], dict):
            allowed = allowed_codes(definition, item)
            if isinstance(answers, list) and len(answers) > 1:
                raise AnswerError(AnswerProblem.SEVERAL, item_id, str(len(answers)), allowed)
            raise WrongType(f"answer: {json.dumps(answers, ensure_ascii=False)}")
        value = answers[0]
        coding = value.get("valueCoding")
        if isinstance(coding, dict):
            typed = str(coding.get("code", ""))
        elif _is_number(value.get("valueInteger")):
            typed = repr(value["valueInteger"])  # every digit: 48.9999999 is no 49
        elif _is_number(value.get("valueDecimal")):
            typed = repr(value["valueDecimal"])
        else:  # no type an item takes: said as the file gives it, not as a code typed
            raise WrongType(_as_given(value))
        return f"{check_code(definition, item, typed):g}"

    def items(
        self, entry: int, resource: dict[str, Any], definition: ScaleDefinition
    ) -> dict[str, str | None] | None:
        """Every item's code: unknown, repeated or nested items and bad codes are problems."""
        known = {item.id for item in definition.items}
        answers: dict[str, str | None] = {}
        ok = True
        given = resource.get("item", [])
        if not isinstance(given, list):
            self.problem(entry, resource, "items_not_list", found=given)
            return None
        for item in given:
            if not isinstance(item, dict):
                self.problem(entry, resource, "item_not_object", found=item)
                ok = False
                continue
            link = str(item.get("linkId", ""))
            if link == "instructions":
                continue
            if not link:
                self.problem(entry, resource, "item_no_link", scale=definition.short_name)
                ok = False
            elif link not in known or item.get("item"):
                self.problem(
                    entry, resource, "item_unknown", item=link or "-", scale=definition.short_name
                )
                ok = False
            elif link in answers:
                self.problem(entry, resource, "item_twice", item=link)
                ok = False
            else:
                try:
                    answers[link] = self.answer(definition, link, item.get("answer"))
                except WrongType as error:
                    self.problem(entry, resource, "value_type", item=link, given=error.given)
                    ok = False
                except AnswerError as error:
                    self.problem(
                        entry, resource, f"answer_{error.problem.value}", item=link,
                        given=error.given, scale=definition.id, version=definition.version,
                    )  # fmt: skip
                    ok = False
        if not ok:
            return None
        if all(code is None for code in answers.values()):
            self.problem(
                entry, resource, f"answer_{AnswerProblem.NOTHING.value}", item="", given="",
                scale=definition.id, version=definition.version,
            )  # fmt: skip
            return None
        return {item.id: answers.get(item.id) for item in definition.items}

    def read(self, entry: int, resource: dict[str, Any]) -> ResponseIn | None:
        """Check one response completely; None (and its problems noted) when it is wrong."""
        if resource.get("status") not in READ_STATUSES:
            self.problem(entry, resource, "status", value=resource.get("status") or "-")
            return None
        definition = self.definition(entry, resource)
        code = self.client_code(entry, resource)
        observed = self.observed_on(entry, resource)
        answers = None if definition is None else self.items(entry, resource, definition)
        if definition is None or code is None or observed is None or answers is None:
            return None
        return ResponseIn(
            entry, safe_name(resource.get("id", ""), 64), code, definition.id, definition.version,
            observed, answers, self.own_record(resource),
        )  # fmt: skip


@dataclass(frozen=True)
class ReadResult:
    """The responses that read well, how many unfinished ones were skipped, and the problems."""

    responses: list[ResponseIn]
    skipped: int
    problems: list[FhirProblem]


def _as_given(answer: dict[str, Any]) -> str:
    """An answer of a type no item takes, as the file gives it (``valueString: 3``,
    ``valueInteger: true``), so the refusal says what was found; ``-`` for none."""
    for key, value in answer.items():
        if key.startswith("value"):
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            return f"{key}: {shown}"
    return "-"


def _is_number(value: Any) -> bool:
    """A JSON number (``true`` is no answer of 1)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_responses(document: Any, library: ScaleLibrary, uris: PracticeUris) -> ReadResult:
    """Check every QuestionnaireResponse of a document; skip unfinished ones (in-progress,
    stopped); note every problem of every other one. A client is known only by a code in the
    importing practice's own system (``uris.client_system``).

    Raises:
        Problems: the file as a whole is no FHIR Bundle or response, or holds none.
    """
    reader = Reader(library, patients_by_url(document), uris)
    found = responses_in(document)
    requests = other_requests(document)
    first_with_id: dict[str, int] = {}
    for entry, resource in found:
        if entry in requests and requests[entry]:
            reader.problem(entry, resource, "request", method=requests[entry])
        elif entry in requests:
            reader.problem(entry, resource, "request_no_method")
        known = resource.get("id")
        if isinstance(known, str) and known in first_with_id:
            reader.problem(entry, resource, "id_twice", first=first_with_id[known])
        elif isinstance(known, str) and known:
            first_with_id[known] = entry
    unread = {problem.entry for problem in reader.problems}
    unfinished = {entry for entry, resource in found if resource.get("status") in SKIPPED_STATUSES}
    checked = [
        reader.read(entry, resource)
        for entry, resource in found
        if entry not in unfinished and entry not in unread
    ]
    responses = [response for response in checked if response is not None]
    return ReadResult(responses, len(unfinished - unread), reader.problems)
