"""Provides the battery of a visit: which scales, for whom, from the configured protocols."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.model import Domain, ScaleDefinition
from hecht.scales.perinatal import Phase
from hecht.tui.config import Protocols


class VisitKind(StrEnum):
    """Where a visit stands in the episode: the protocol it follows."""

    INTAKE = "intake"
    VISIT = "visit"
    CLOSING = "closing"


@dataclass(frozen=True)
class Step:
    """One scale to enter for one respondent."""

    scale_id: str
    client_code: str


@dataclass(frozen=True)
class Moment:
    """Who a visit is with and when it falls: what decides whether a scale fits a person.

    ``roles`` gives each client's place in the family (mother or partner) where recorded;
    ``phase`` is whether the visit falls in pregnancy or after the birth, when the episode's
    dates tell.
    """

    roles: Mapping[str, str | None] = field(default_factory=dict)
    phase: Phase | None = None

    def fits(self, definition: ScaleDefinition, code: str) -> bool:
        """Whether the scale is for this person now: written for their parent role (or for
        either) and for this phase (or for either). What is not known does not exclude."""
        role = self.roles.get(code)
        if definition.parent is not None and role is not None and role != definition.parent:
            return False
        return definition.phase is None or self.phase is None or definition.phase == self.phase


def battery(
    protocols: Protocols,
    kind: VisitKind,
    library: ScaleLibrary,
    client_code: str,
    attendees: list[str],
    reasons: Sequence[str] = (),
    moment: Moment | None = None,
) -> list[Step]:
    """Return the scales to enter: person by person (the client whose dossier is open first),
    each person's in protocol order, so a couple's forms are entered one stack at a time.

    Relationship scales are entered for each attending partner, the others for the client whose
    dossier is open; scale ids the library does not know are skipped. At intake and closing the
    scales suggested for the episode's referral reasons follow, for each attending partner (a
    scale already in the battery for that person is not asked twice). A scale written for one
    parent or one phase is asked only of that parent, in that phase (``moment``).
    """
    moment = moment or Moment()
    ordered = [client_code, *(code for code in attendees if code != client_code)]
    present = [code for code in ordered if code in attendees]
    steps: list[Step] = []
    for scale_id in getattr(protocols, kind.value):
        definition = _known(library, scale_id)
        if definition is None:
            continue
        if definition.domain is Domain.RELATIONSHIP:
            whom = present
        else:
            whom = [client_code] if client_code in attendees else []
        steps += [Step(definition.id, code) for code in whom if moment.fits(definition, code)]
    if kind is not VisitKind.VISIT:
        steps += _for_reasons(protocols, library, reasons, present, steps, moment)
    return sorted(steps, key=lambda step: present.index(step.client_code))


def _for_reasons(
    protocols: Protocols,
    library: ScaleLibrary,
    reasons: Sequence[str],
    present: list[str],
    planned: list[Step],
    moment: Moment,
) -> list[Step]:
    """The scales suggested for the referral reasons, for each attending partner who fits
    them, each once."""
    steps: list[Step] = []
    for reason in reasons:
        for scale_id in protocols.by_reason.get(reason):
            definition = _known(library, scale_id)
            if definition is None:
                continue
            steps += [
                step
                for step in (Step(definition.id, code) for code in present)
                if step not in planned
                and step not in steps
                and moment.fits(definition, step.client_code)
            ]
    return steps


def _known(library: ScaleLibrary, scale_id: str) -> ScaleDefinition | None:
    """The latest definition of a scale, or None for an id the library does not know."""
    try:
        return library.get(scale_id)
    except UnknownScaleError:
        return None
