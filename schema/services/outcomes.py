"""Provides the practice's outcomes: pre–post change per scale, for everyone and for subgroups.

A pair is one client's first and last valid total of a scale within one episode (the baseline
and the latest later administration), so a couple's episode gives a pair for each partner.
Subgroups: referral reason (an episode with two reasons counts in both), prenatal or postnatal
start, and the client's role (mother or partner).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from hecht.scales.library import ScaleLibrary
from hecht.scales.model import Domain, ScaleDefinition
from hecht.scales.outcomes import PairedOutcome, paired_outcome
from hecht.schema.context import Actor
from hecht.schema.db.plain import collector_paused, of_session
from hecht.schema.dossier_access import caseload_state
from hecht.schema.services.signals import end_points
from hecht.schema.tables import (
    Client,
    Couple,
    Episode,
    EpisodeStatus,
    RecordStatus,
    ScoreSummary,
)
from hecht.schema.trail import audit
from hecht.schema.trail.audit import AuditKind
from hecht.schema.trail.details import detail_of
from hecht.schema.versioning import only_current

DOMAIN_ORDER = (
    Domain.SELF_AWARENESS,
    Domain.SELF_ESTEEM,
    Domain.WELLBEING,
    Domain.RELATIONSHIP,
    Domain.MOOD,
    Domain.ANXIETY,
    Domain.DISTRESS,
    Domain.ATTACHMENT,
    Domain.BONDING,
    Domain.BIRTH,
)
"""The order of the report: the practice's two questions (self, relationship) come first."""


@dataclass(frozen=True)
class ScaleOutcome:
    """One scale's pre–post statistics in one group, with the data that could not be paired."""

    scale_id: str
    short_name: str
    domain: str
    outcome: PairedOutcome
    baseline_only: int
    invalid: int


@dataclass(frozen=True)
class OutcomeGroup:
    """A subgroup (``split`` = all, referral_reason, start or role; ``value`` names it)."""

    split: str
    value: str
    episodes: int
    scales: list[ScaleOutcome]
    closed: int = 0
    """Of ``episodes``, how many are closed; in the others the post score is the latest so far."""
    clients: int = 0
    """The clients in the group's episodes, each once per episode (a couple's episode holds two;
    a role's group holds only the clients of that role)."""
    paired: int = 0
    """Of ``clients``, how many have a pair (a first and a later valid total) of some scale."""


@dataclass(frozen=True)
class OutcomesReport:
    """The whole analysis: every group, the overall one first."""

    generated_on: date
    episodes: int
    groups: list[OutcomeGroup]
    caseload_of: str | None = None
    """The database role whose caseload alone the report covers (caseloads on, a practitioner's
    role); None when it covers the whole practice."""

    def overall(self) -> OutcomeGroup:
        """The group of all episodes."""
        return self.groups[0]


@dataclass(frozen=True)
class _EpisodeFacts:
    reasons: tuple[str, ...]
    start: str
    clients: tuple[int, ...]
    closed: bool


def _episodes(session: Session) -> dict[int, _EpisodeFacts]:
    couples = {
        couple_id: (first, second)
        for couple_id, first, second in session.exec(
            select(Couple.id, Couple.first_client_id, Couple.second_client_id)
        )
    }
    columns = select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
        Episode.lineage_id,
        Episode.client_id,
        Episode.couple_id,
        Episode.birth_date,
        Episode.started_on,
        Episode.referral_reasons,
        Episode.episode_status,
    )
    query = only_current(columns, Episode).where(Episode.status != RecordStatus.RETRACTED.value)
    found = {}
    for lineage, client, couple, birth, started, reasons, status in session.exec(query):
        start = "postnatal" if birth is not None and started >= birth else "prenatal"
        members = (client,) if client is not None else couples.get(couple, ())
        closed = status == EpisodeStatus.CLOSED.value
        found[lineage] = _EpisodeFacts(tuple(reasons or ()), start, tuple(members), closed)
    return found


def _invalid_counts(session: Session) -> dict[tuple[int, int | None, str], int]:
    query = select(
        ScoreSummary.client_id,
        ScoreSummary.episode_lineage_id,
        ScoreSummary.scale_id,
        ScoreSummary.invalid_count,
    ).where(ScoreSummary.invalid_count > 0)
    rows = session.exec(query)
    return {(client, episode, scale): count for client, episode, scale, count in rows}


def _group_keys(facts: _EpisodeFacts, role: str | None) -> list[tuple[str, str]]:
    keys = [("all", "all"), ("start", facts.start), ("role", role or "unknown")]
    keys += [("referral_reason", reason) for reason in facts.reasons]
    return keys


def _ordered(definitions: dict[str, ScaleDefinition]) -> list[ScaleDefinition]:
    rank = {domain: index for index, domain in enumerate(DOMAIN_ORDER)}
    return sorted(definitions.values(), key=lambda d: (rank.get(d.domain, len(rank)), d.id))


@collector_paused()
def practice_outcomes(*, session: Session, actor: Actor, library: ScaleLibrary) -> OutcomesReport:
    """Compute every group's pre–post statistics from the stored totals (an audited report)."""
    definitions = {
        entry.definition.id: entry.definition
        for entry in library.latest()
        if entry.definition.scoring.total
    }
    episodes = _episodes(session)
    roles = {client: role for client, role in session.exec(select(Client.id, Client.role))}
    pairs: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    lonely: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    invalid: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    members: dict[tuple[str, str], set[int]] = defaultdict(set)
    people: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    paired: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    for lineage, episode_facts in episodes.items():
        for client in episode_facts.clients:
            for key in _group_keys(episode_facts, roles.get(client)):
                members[key].add(lineage)
                people[key].add((client, lineage))
    for (client, episode, scale), points in end_points(of_session(session), definitions).items():
        facts = episodes.get(episode) if episode is not None else None
        if facts is None or episode is None:
            continue
        for key in _group_keys(facts, roles.get(client)):
            if points.count >= 2:
                pairs[key][scale].append((points.first, points.last))
                paired[key].add((client, episode))
            else:
                lonely[key][scale] += 1
    for (client, episode, scale), count in _invalid_counts(session).items():
        facts = episodes.get(episode) if episode is not None else None
        if facts is not None and scale in definitions:
            for key in _group_keys(facts, roles.get(client)):
                invalid[key][scale] += count
    groups = []
    for key in sorted(members, key=lambda k: (k != ("all", "all"), k)):
        scales = [
            ScaleOutcome(
                scale_id=definition.id,
                short_name=definition.short_name,
                domain=definition.domain.value,
                outcome=paired_outcome(definition, pairs[key][definition.id]),
                baseline_only=lonely[key][definition.id],
                invalid=invalid[key][definition.id],
            )
            for definition in _ordered(definitions)
            if pairs[key][definition.id]
            or lonely[key][definition.id]
            or invalid[key][definition.id]
        ]
        groups.append(
            OutcomeGroup(
                key[0],
                key[1],
                len(members[key]),
                scales,
                closed=sum(1 for lineage in members[key] if episodes[lineage].closed),
                clients=len(people[key]),
                paired=len(paired[key] & people[key]),
            )
        )
    if not groups or groups[0].split != "all":
        groups.insert(0, OutcomeGroup("all", "all", 0, []))
    audit.record(session=session, actor=actor, event=AuditKind.REPORT, detail=detail_of("outcomes"))
    return OutcomesReport(actor.now().date(), len(episodes), groups, _caseload_of(session))


def _caseload_of(session: Session) -> str | None:
    """The connected role, when row-level security shows it only its caseload."""
    state = caseload_state(session.connection())
    return state.role if state.limits_this_role else None
