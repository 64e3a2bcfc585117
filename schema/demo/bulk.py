"""Provides the demo's bulk build: the rows the services would store, made in memory, then written.

Each step makes the rows its service makes (``hecht.schema.services``), from the same inputs:
the tables' own defaults, answers checked and scored by ``hecht.scales`` as the services score
them, audit events made and hashed by ``hecht.schema.trail.chain``, score summaries and courses
built by ``hecht.schema.summaries``. One INSERT per table in one transaction takes about a second
where the services take a minute; the tests check that both store the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, SQLModel

from hecht.scales.answers import check_code
from hecht.scales.library import ScaleLibrary
from hecht.scales.model import ScaleDefinition
from hecht.scales.scoring import item_scores, score, triggered_alerts
from hecht.schema.context import Actor
from hecht.schema.db.plain import of_session
from hecht.schema.exchange.transfer import reset_sequences
from hecht.schema.inputs import (
    GivenAnswer,
    NewAdministration,
    NewClient,
    NewEpisode,
    NewVisit,
)
from hecht.schema.services.administrations import new_draft_row, response_values, result_read
from hecht.schema.services.episodes import check_dates, new_episode_row
from hecht.schema.services.visits import new_visit_row
from hecht.schema.summaries import rebuild_summaries
from hecht.schema.tables import (
    Administration,
    Alert,
    AlertAction,
    Client,
    Couple,
    Episode,
    EpisodeStatus,
    ItemResponse,
    Practitioner,
    RecordStatus,
    Score,
    Visit,
    table_of,
)
from hecht.schema.trail.chain import (
    COLUMNS,
    AuditKind,
    EventFacts,
    chain_head,
    chained_event,
)
from hecht.schema.trail.details import detail_of
from hecht.schema.trail.seals import SEALED, touch

Row = dict[str, Any]
MADE_HERE: tuple[type[SQLModel], ...] = (Practitioner, Client, Couple, Episode, Visit)
MADE_HERE += (Administration, ItemResponse, Score, Alert)
"""The tables whose rows are made here, with the audit log; the derived ones are rebuilt."""


def _defaults(model: type[SQLModel]) -> Row:
    """The model's plain defaults: a row starts from them, as the model's constructor does.

    Columns without one (the required ones, and those made by a factory such as a JSON list)
    are given by every step, or the INSERT refuses the rows.
    """
    return {
        name: field.default
        for name, field in model.model_fields.items()
        if not field.is_required() and field.default_factory is None
    }


class BulkStore:
    """Makes each step's rows as its service would, ids and audit chain continuing the database's.

    Only the steps the demo takes, the way it takes them: a step the services would store some
    other way (an answer replaced, a form completed with items unanswered) fails an assertion
    instead of being stored differently. Everything happens in the caller's transaction: ids
    and the chain's head are read at the start, the rows written by ``write``, so an interrupted
    build stores nothing.
    """

    def __init__(self, session: Session, library: ScaleLibrary) -> None:
        self.session, self.library = session, library
        plain = of_session(session)
        self.seq, self.head = chain_head(plain)  # the chain's lock is held until the commit
        self.rows: dict[str, list[Row]] = {table_of(model).name: [] for model in MADE_HERE}
        self.rows["auditevent"] = []
        self.defaults = {table_of(model).name: _defaults(model) for model in MADE_HERE}
        self.next_id = {
            name: plain.rows(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {name}")[0][0]
            for name, defaults in self.defaults.items()
            if "id" in defaults
        }
        self.client_ids: dict[str, int] = {}
        self.codes: dict[int, str] = {}
        self.couples: dict[int, tuple[int, int]] = {}
        self.episodes: dict[int, Row] = {}
        """The newest version of each episode, by lineage."""
        self.administrations: dict[int, Row] = {}
        self.answers: dict[int, dict[str, Row]] = {}
        self.alerts: dict[int, Row] = {}

    @contextmanager
    def day(self) -> Iterator[None]:
        """A simulated day: nothing to do, the whole build is one transaction."""
        yield

    def write(self) -> None:
        """Insert every row made, one statement per table, then build the derived tables."""
        for table in SQLModel.metadata.sorted_tables:
            if self.rows.get(table.name):
                self.session.execute(insert(table), self.rows[table.name])
                if table.name in SEALED:
                    key = next(iter(table.primary_key.columns)).name
                    keys = (row[key] for row in self.rows[table.name])
                    touch(self.session, table.name, keys, inserted=True)
        reset_sequences(self.session)
        rebuild_summaries(self.session)

    def _new(self, model: type[SQLModel], **values: Any) -> Row:
        """Make a row: the model's defaults, the next id (when the table has one), the values."""
        name = table_of(model).name
        row = {**self.defaults[name], **values}
        if name in self.next_id:
            row["id"], self.next_id[name] = self.next_id[name], self.next_id[name] + 1
        self.rows[name].append(row)
        return row

    def _lineage(self, model: type[SQLModel], **values: Any) -> Row:
        """Make the first version of a record: its own id is its lineage (``start_lineage``)."""
        row = self._new(model, **values)
        row["lineage_id"] = row["id"]
        return row

    def _first_version(self, unsaved: SQLModel) -> Row:
        """Make the first version of a record from the unsaved row its service would add."""
        return self._lineage(type(unsaved), **unsaved.model_dump())

    def _audit(self, actor: Actor, kind: AuditKind, client_id: int, detail: str) -> None:
        """Append an event about a client's dossier to the chain."""
        self.seq += 1
        facts = EventFacts(
            event=kind, client_id=client_id, client_code=self.codes[client_id], detail=detail
        )
        values = chained_event(self.seq, self.head, actor, facts)
        self.head = values[-1]
        self.rows["auditevent"].append(dict(zip((*COLUMNS, "hash"), values, strict=True)))

    def add_practitioner(self, actor: Actor, name: str) -> int:
        """Register the practitioner (``clients.add_practitioner``); return their id."""
        return int(self._new(Practitioner, name=name.strip(), created_at=actor.now())["id"])

    def create_client(self, actor: Actor, new: NewClient) -> None:
        """Register a client (``clients.create_client``)."""
        client = self._new(Client, **new.model_dump(), created_at=actor.now())
        self.client_ids[client["code"]], self.codes[client["id"]] = client["id"], client["code"]
        self._audit(actor, AuditKind.CREATE, client["id"], "client")

    def create_couple(self, actor: Actor, first_code: str, second_code: str) -> int:
        """Pair two clients (``clients.create_couple``); return the couple's id."""
        pair = (self.client_ids[first_code], self.client_ids[second_code])
        couple = self._new(
            Couple, first_client_id=pair[0], second_client_id=pair[1], created_at=actor.now()
        )
        self.couples[couple["id"]] = pair
        for client_id in pair:
            self._audit(actor, AuditKind.CREATE, client_id, f"couple {couple['id']}")
        return int(couple["id"])

    def _episode_audit(self, actor: Actor, episode: Row, kind: AuditKind) -> None:
        """One event per client the episode is for (``episodes.episode_clients``)."""
        members = episode["client_id"], *self.couples.get(episode["couple_id"], ())
        for client_id in (member for member in members if member is not None):
            self._audit(actor, kind, client_id, f"episode {episode['lineage_id']}")

    def open_episode(self, actor: Actor, new: NewEpisode) -> int:
        """Open an episode (``episodes.open_episode``); return its lineage."""
        now = actor.now()
        check_dates(now.date(), new.due_date, new.birth_date)
        client_id = None if new.client_code is None else self.client_ids[new.client_code]
        episode = self._first_version(new_episode_row(new, client_id, actor, now))
        self.episodes[episode["lineage_id"]] = episode
        self._episode_audit(actor, episode, AuditKind.CREATE)
        return int(episode["lineage_id"])

    def correct_episode(
        self, actor: Actor, lineage_id: int, changes: dict[str, Any], reason: str
    ) -> None:
        """Store a corrected version (``episodes.correct_episode``, by ``versioning.supersede``)."""
        old, now = self.episodes[lineage_id], actor.now()
        due = changes.get("due_date", old["due_date"])
        check_dates(now.date(), due, changes.get("birth_date", old["birth_date"]))
        data = {name: value for name, value in old.items() if name != "id"}
        data.update(changes)
        data.update(
            version=old["version"] + 1, supersedes_id=old["id"], recorded_at=now,
            recorded_by_id=actor.user_id, change_reason=reason.strip(), status=str(old["status"]),
        )  # fmt: skip
        self.episodes[lineage_id] = self._new(Episode, **data)
        self._episode_audit(actor, self.episodes[lineage_id], AuditKind.CHANGE)

    def close_episode(self, actor: Actor, lineage_id: int, ended_on: date, reason: str) -> None:
        """Close an episode on a day (``episodes.close_episode``)."""
        changes = {"episode_status": EpisodeStatus.CLOSED.value, "ended_on": ended_on}
        self.correct_episode(actor, lineage_id, changes, reason)

    def record_visit(self, actor: Actor, new: NewVisit) -> int:
        """Record a visit (``visits.record_visit``); return its lineage."""
        attendees = [self.client_ids[code] for code in new.attendee_codes]
        visit = self._first_version(new_visit_row(new, attendees, actor, actor.now()))
        for client_id in attendees:
            detail = detail_of("visit", visit=visit["lineage_id"])
            self._audit(actor, AuditKind.CREATE, client_id, detail)
        return int(visit["lineage_id"])

    def _administration_audit(self, actor: Actor, row: Row, kind: AuditKind) -> None:
        lineage, scale = row["lineage_id"], row["scale_id"]
        detail = detail_of("administration", administration=lineage, scale=scale)
        self._audit(actor, kind, row["client_id"], detail)

    def start_administration(self, actor: Actor, new: NewAdministration) -> int:
        """Start a draft (``administrations.start_administration``); return its id."""
        assert new.episode_lineage_id is not None, "the demo names each administration's episode"
        definition = self.library.get(new.scale_id, new.scale_version)
        now = actor.now()
        assert new.observed_on == now.date(), "the demo enters a scale on the day it is taken"
        client_id = self.client_ids[new.client_code]
        episode = new.episode_lineage_id
        draft = new_draft_row(
            new, definition, client_id, episode, actor=actor, observed_at=now, now=now
        )
        row = self._first_version(draft)
        self.administrations[row["id"]], self.answers[row["id"]] = row, {}
        self._administration_audit(actor, row, AuditKind.CREATE)
        return int(row["id"])

    def _draft(self, administration_id: int) -> tuple[Row, ScaleDefinition]:
        row = self.administrations[administration_id]
        assert row["status"] == RecordStatus.DRAFT.value, "only a draft takes answers"
        return row, self.library.get(row["scale_id"], row["scale_version"])

    def record_answer(self, actor: Actor, administration_id: int, answer: GivenAnswer) -> list[int]:
        """Store one answer (``administrations.record_answer``); return the alerts it raised."""
        item_id, code, missing_reason = answer.item_id, answer.code, answer.missing_reason
        row, definition = self._draft(administration_id)
        item = definition.item(item_id)
        value = None if code is None or not code.strip() else check_code(definition, item, code)
        answers = self.answers[administration_id]
        assert item_id not in answers, "the demo answers each item once"
        position = definition.items.index(item)
        answers[item_id] = self._new(
            ItemResponse,
            **response_values(
                administration_id, definition, position, value, missing_reason, actor.now()
            ),
        )
        if not any(item_id in rule.items for rule in definition.interpretation.critical):
            return []
        return self._raise_alerts(actor, row, definition)

    def _raise_alerts(self, actor: Actor, row: Row, definition: ScaleDefinition) -> list[int]:
        """Raise what the answers so far trigger, once per rule and item (``_settle_alerts``)."""
        sheet = {item_id: answer["code"] for item_id, answer in self.answers[row["id"]].items()}
        raised = {  # the demo never corrects a form: its lineage is the form itself
            (alert["rule_id"], alert["item"])
            for alert in self.alerts.values()
            if alert["administration_id"] == row["id"]
        }
        new_alerts: list[int] = []
        for triggered in triggered_alerts(
            definition.interpretation.critical, item_scores(definition, sheet)
        ):
            if (triggered.rule, triggered.item) in raised:
                continue
            alert = self._new(
                Alert, administration_id=row["id"], client_id=row["client_id"],
                rule_id=triggered.rule, item=triggered.item, level=triggered.level.value,
                raised_at=actor.now(),
            )  # fmt: skip
            self.alerts[alert["id"]] = alert
            new_alerts.append(alert["id"])
        return new_alerts

    def complete_administration(self, actor: Actor, administration_id: int) -> None:
        """Complete a draft and score it (``administrations.complete_administration``)."""
        row, definition = self._draft(administration_id)
        answers, now = self.answers[administration_id], actor.now()
        assert len(answers) == len(definition.items), "the demo completes answered forms only"
        row.update(status=RecordStatus.COMPLETE.value, recorded_at=now)
        result = score(definition, {item_id: answer["code"] for item_id, answer in answers.items()})
        self._new(
            Score,
            administration_id=administration_id,
            computed_at=now,
            **asdict(result_read(result)),
        )
        self._administration_audit(actor, row, AuditKind.CHANGE)

    def acknowledge_alert(
        self, actor: Actor, alert_id: int, action: AlertAction, note: str
    ) -> None:
        """Acknowledge an alert with the action taken (``alerts.acknowledge_alert``)."""
        alert = self.alerts[alert_id]
        assert alert["acknowledged_at"] is None, "an alert is acknowledged once"
        alert.update(
            acknowledged_at=actor.now(), acknowledged_by_id=actor.user_id,
            action=AlertAction(action).value, action_note=note.strip(),
        )  # fmt: skip
        self._audit(actor, AuditKind.CHANGE, alert["client_id"], f"alert {alert_id} acknowledged")
