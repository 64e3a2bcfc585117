"""Provides the battery of a visit: which scales, for whom, from the configured protocols."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hecht.scales.library import ScaleLibrary, UnknownScaleError
from hecht.scales.model import Domain
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


def battery(
    protocols: Protocols,
    kind: VisitKind,
    library: ScaleLibrary,
    client_code: str,
    attendees: list[str],
) -> list[Step]:
    """Return the scales to enter, in protocol order.

    Relationship scales are entered for each attending partner, the others for the client whose
    dossier is open; scale ids the library does not know are skipped.
    """
    steps: list[Step] = []
    for scale_id in getattr(protocols, kind.value):
        try:
            definition = library.get(scale_id)
        except UnknownScaleError:
            continue
        if definition.domain is Domain.RELATIONSHIP:
            ordered = [client_code, *(code for code in attendees if code != client_code)]
            steps += [Step(definition.id, code) for code in ordered if code in attendees]
        elif client_code in attendees:
            steps.append(Step(definition.id, client_code))
    return steps
