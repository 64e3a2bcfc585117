"""Provides the battery of a visit: which scales, for whom, from the configured protocols."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.model import Domain, ScaleDefinition
from hecht.scales.perinatal import Phase, phase_on
from hecht.tui.config import Protocols
from hecht.tui.views.parent_role import role_word

if TYPE_CHECKING:
    from hecht.schema.readmodels import EpisodeRead
    from hecht.tui.i18n import Messages


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
        return self.misfit(definition, code) is None

    def misfit(self, definition: ScaleDefinition, code: str) -> Misfit | None:
        """Why the scale is not for this person now (their role first), or None when it is."""
        role = self.roles.get(code)
        if definition.parent is not None and role is not None and role != definition.parent:
            return Misfit.PARENT
        if definition.phase is None or self.phase is None or definition.phase == self.phase:
            return None
        return Misfit.PHASE

    def caution(self, definition: ScaleDefinition, code: str, who: str, text: Messages) -> str:
        """What to say when a scale is entered on its own for someone it is not written for
        now ("" when it is): it may be right (a paper form filled in before the birth), so it
        is said, not refused."""
        why = self.misfit(definition, code)
        if why is Misfit.PARENT:
            return text(
                "entry.caution.parent", scale=definition.short_name, who=who,
                parent=text(f"show.parent.{definition.parent}"),
                role=role_word(self.roles.get(code), text),
            )  # fmt: skip
        if why is Misfit.PHASE:
            return text(
                "entry.caution.phase", scale=definition.short_name, who=who,
                phase=text(f"show.phase.{definition.phase}"), now=text(f"show.phase.{self.phase}"),
            )  # fmt: skip
        return ""


class Misfit(StrEnum):
    """Why a scale is not for a person now."""

    PARENT = "parent"
    """It is written for the other parent."""
    PHASE = "phase"
    """It is written for pregnancy, and the birth has been, or the other way round."""


def moment_on(day: date, roles: Mapping[str, str | None], episode: EpisodeRead | None) -> Moment:
    """Who is seen on a day and when it falls, from their roles and the episode's due and birth
    dates (no episode: the phase is not known)."""
    if episode is None:
        return Moment(roles)
    dates = {"due_date": episode.due_date, "birth_date": episode.birth_date}
    return Moment(roles, phase_on(day, **dates))


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
    dossier is open; scale ids the library does not know are skipped (``left_out`` names
    them). At intake and closing the scales suggested for the episode's referral reasons follow,
    for each attending partner (a scale already in the battery for that person is not asked
    twice). A scale written for one
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


def left_out(
    protocols: Protocols, kind: VisitKind, library: ScaleLibrary, reasons: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """The scale ids a visit's battery names that no scale in the library has (a typing error in
    the config file, a local scale removed), each with the setting that names it: ``battery``
    leaves them out, and the person starting the visit is told so."""
    named = [(kind.value, scale_id) for scale_id in getattr(protocols, kind.value)]
    if kind is not VisitKind.VISIT:
        for reason in reasons:
            named += [(f"by_reason.{reason}", s) for s in protocols.by_reason.get(reason)]
    return [(setting, scale_id) for setting, scale_id in named if _known(library, scale_id) is None]


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
