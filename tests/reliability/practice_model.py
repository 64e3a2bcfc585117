"""The model of a practice that the state machine keeps beside the database, and the database
read back in the same shape (plain queries: reading through the services would audit).

Versioned records (episodes, administrations) are lists of versions; a version, once another
follows it, is never changed in the model, so comparing every version checks that earlier
versions stay as they were. A draft is the one version that changes in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from hecht.scales.library import ScaleLibrary
from hecht.scales.scoring import item_scores, triggered_alerts
from hecht.schema.readmodels import stands, was_acknowledged
from hecht.schema.tables import (
    Administration,
    Alert,
    Client,
    Couple,
    Episode,
    ItemResponse,
    Score,
)

Answers = dict[str, float | None]
"""Item id -> code (None: missing)."""


@dataclass
class Version:
    """One version of a versioned record: its status, why it was made, and its content."""

    status: str
    reason: str | None
    content: Any


@dataclass
class Record:
    """A versioned record: whose it is and every version, oldest first."""

    owner: tuple[str, Any]
    versions: list[Version]
    scale: str | None = None
    raised: list[list[str]] = field(default_factory=list)
    """Alerts of an administration's lineage, oldest first: [rule, item, state], the state open,
    acknowledged, withdrawn, or released (acknowledged, then its answer changed)."""

    @property
    def current(self) -> Version:
        return self.versions[-1]


@dataclass
class ExpectedPractice:
    """What the database should hold."""

    clients: dict[str, tuple[str | None, bool]] = field(default_factory=dict)
    """Code -> (name, destroyed)."""
    couples: dict[int, tuple[str, str]] = field(default_factory=dict)
    episodes: dict[int, Record] = field(default_factory=dict)
    administrations: dict[int, Record] = field(default_factory=dict)

    def living(self) -> list[str]:
        return sorted(code for code, (_, gone) in self.clients.items() if not gone)

    def single(self) -> list[str]:
        paired = {code for pair in self.couples.values() for code in pair}
        return [code for code in self.living() if code not in paired]

    def in_open_episode(self, code: str) -> bool:
        """Whether a living client is in an episode of their own or their couple's (the model
        closes none): a second one is refused."""
        if self.clients[code][1]:
            return False
        couples = {n for n, pair in self.couples.items() if code in pair}
        return any(
            record.owner == ("client", code)
            or (record.owner[0] == "couple" and record.owner[1] in couples)
            for record in self.episodes.values()
        )

    def free_owners(self) -> list[tuple[str, Any]]:
        """Who may open an episode: a living client, or a couple, not yet in one."""
        owners: list[tuple[str, Any]] = [
            ("client", code) for code in self.living() if not self.in_open_episode(code)
        ]
        return owners + [
            ("couple", n)
            for n, pair in sorted(self.couples.items())
            if not any(self.in_open_episode(code) for code in pair)
        ]

    def adms(self, status: str) -> list[int]:
        return sorted(k for k, r in self.administrations.items() if r.current.status == status)

    def open_alerts(self) -> list[tuple[int, str, str]]:
        return sorted(
            (lineage, rule, item)
            for lineage, record in self.administrations.items()
            for rule, item, state in record.raised
            if state == OPEN
        )

    def destroy(self, code: str) -> None:
        self.clients[code] = (None, True)
        for lineage in [k for k, r in self.administrations.items() if r.owner == ("client", code)]:
            del self.administrations[lineage]
        for lineage in [k for k, r in self.episodes.items() if r.owner == ("client", code)]:
            del self.episodes[lineage]

    def view(self) -> dict[str, Any]:
        """The practice in the shape ``stored_view`` reads the database into."""
        return {
            "clients": dict(self.clients),
            "couples": dict(self.couples),
            "episodes": {
                lineage: (r.owner, [(v.status, v.reason, v.content) for v in r.versions])
                for lineage, r in self.episodes.items()
            },
            "administrations": {
                lineage: (r.owner, r.scale, [(v.status, v.reason, v.content) for v in r.versions])
                for lineage, r in self.administrations.items()
            },
            "scored": {
                (lineage, number)
                for lineage, r in self.administrations.items()
                for number, v in enumerate(r.versions, start=1)
                if v.status == "complete"
            },
            "alerts": sorted(
                (lineage, rule, item, state)
                for lineage, r in self.administrations.items()
                for rule, item, state in r.raised
            ),
        }


OPEN, ACKNOWLEDGED, WITHDRAWN, RELEASED = "open", "acknowledged", "withdrawn", "released"
STANDING = (OPEN, ACKNOWLEDGED)


def settle_alerts(library: ScaleLibrary, record: Record, sheet: Answers) -> int:
    """As the scale's critical rules say of a sheet: withdraw the alerts it no longer triggers
    (an open one closed, an acknowledged one released), and raise those it triggers that no
    standing alert of its lineage has; return how many were withdrawn."""
    definition = library.get(record.scale or "")
    scores = item_scores(definition, sheet)
    standing = {
        (alert.rule, alert.item)
        for alert in triggered_alerts(definition.interpretation.critical, scores)
    }
    withdrawn = withdraw(record, lambda rule, item: (rule, item) not in standing, True)
    kept = {(rule, item) for rule, item, state in record.raised if state in STANDING}
    record.raised += [[rule, item, OPEN] for rule, item in sorted(standing - kept)]
    return withdrawn


def withdraw(
    record: Record, gone: Any = lambda rule, item: True, acknowledged_too: bool = False
) -> int:
    """Withdraw the open alerts of a lineage for which ``gone(rule, item)`` (and release the
    acknowledged ones, ``acknowledged_too``); return how many (each is logged)."""
    states = STANDING if acknowledged_too else (OPEN,)
    withdrawn = [alert for alert in record.raised if alert[2] in states and gone(*alert[:2])]
    for alert in withdrawn:
        alert[2] = WITHDRAWN if alert[2] == OPEN else RELEASED
    return len(withdrawn)


def critical_items(library: ScaleLibrary, scale: str) -> set[str]:
    """The items a scale's critical rules look at."""
    rules = library.get(scale).interpretation.critical
    return {item for rule in rules for item in rule.items}


def alert_state(alert: Alert) -> str:
    """An alert's state in the model's words."""
    if alert.acknowledged_at is None:
        return OPEN
    if not was_acknowledged(alert.action):
        return WITHDRAWN
    return ACKNOWLEDGED if stands(alert.action) else RELEASED


def stored_view(engine: Engine) -> dict[str, Any]:
    """The database in the shape of ``ExpectedPractice.view``, read with plain queries."""
    with Session(engine) as session:
        clients = {
            c.code: (c.name, c.destroyed_at is not None) for c in session.exec(select(Client))
        }
        ids = {c.id: c.code for c in session.exec(select(Client))}
        couples = {
            c.id: (ids[c.first_client_id], ids[c.second_client_id])
            for c in session.exec(select(Couple))
        }
        episodes: dict[int, Any] = {}
        for e in session.exec(
            select(Episode).order_by(col(Episode.lineage_id), col(Episode.version))
        ):
            owner = ("client", ids[e.client_id]) if e.client_id else ("couple", e.couple_id)
            episodes.setdefault(e.lineage_id, (owner, []))[1].append(
                (e.episode_status, e.change_reason, e.referral_text)
            )
        answers: dict[int, Answers] = {}
        for r in session.exec(select(ItemResponse)):
            answers.setdefault(r.administration_id, {})[r.item_id] = r.code
        scored_ids = set(session.exec(select(Score.administration_id)))
        administrations: dict[int, Any] = {}
        where: dict[int, tuple[int, int]] = {}
        query = select(Administration).order_by(
            col(Administration.lineage_id), col(Administration.version)
        )
        for a in session.exec(query):
            where[a.id] = (a.lineage_id, a.version)
            entry = administrations.setdefault(
                a.lineage_id, (("client", ids[a.client_id]), a.scale_id, [])
            )
            entry[2].append((a.status, a.change_reason, answers.get(a.id, {})))
        alerts = sorted(
            (where[a.administration_id][0], a.rule_id, a.item, alert_state(a))
            for a in session.exec(select(Alert))
        )
    return {
        "clients": clients,
        "couples": couples,
        "episodes": episodes,
        "administrations": administrations,
        "scored": {where[identifier] for identifier in scored_ids},
        "alerts": alerts,
    }
