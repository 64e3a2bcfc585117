"""A hypothesis state machine that works a practice through the services and holds a model of it.

After every step: the database equals the model (every version of every record, so earlier
versions are unchanged), each step appended exactly the audit events listed for it below, and
the audit chain verifies. Restarts (the engine disposed, the database opened again) and a JSON
export imported into an emptied database must lose nothing.

The audit events each operation writes, as (event, client) in order, which this code base makes
per dossier touched:
- register a client, open its episode, start a draft with its first answers: ("create", code);
- correct a client, an episode of one client, an administration; store answers in an existing
  draft; complete, retract or discard one; acknowledge an alert: ("change", code);
- pair two clients: ("create", first), ("create", second); open or correct a couple's episode:
  one event per partner, first then second (a destroyed partner's tombstone code included);
- destroy a client: ("destroy", code); export: ("export", None), then ("export", code) for every
  client ever registered (tombstones included), in order of registration; import: ("import", None);
- restart: nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import text
from sqlmodel import Session

from hecht.scales.library import load_library
from hecht.schema.context import Actor
from hecht.schema.db.database import open_database, unit_of_work
from hecht.schema.exchange.transfer import export_document, import_document
from hecht.schema.inputs import ClientChanges, GivenAnswer, NewAdministration, NewClient, NewEpisode
from hecht.schema.services import administrations, alerts, clients, destroy, episodes
from hecht.schema.services.drafts import discard_draft, store_answers
from hecht.schema.tables import AlertAction
from hecht.schema.trail.audit import verify_chain

from .practice_model import (
    ACKNOWLEDGED,
    OPEN,
    ExpectedPractice,
    Record,
    Version,
    critical_items,
    settle_alerts,
    stored_view,
    withdraw,
)

T = TypeVar("T")
FROZEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
ACTOR = Actor(user_id=None, access_point="test:model", clock=lambda: FROZEN)
LIBRARY = load_library(None)
SCALES = ("who5", "epds")
MAX_CLIENTS = 4
"""Few living clients, so the steps go to their records."""
NAMES = st.sampled_from(["Anna Jansen", "Bea de Vries", "Zoë [b]Wit[/b]", "O'Neill", None])
WORDS = st.sampled_from(["fear of birth", "after a loss", "typo in the date", "entered twice"])


def answers_for(scale: str, data: st.DataObject, allow_missing: bool = False) -> dict[str, Any]:
    """Draw codes (as typed) for some items of a scale, at least one."""
    definition = LIBRARY.get(scale)
    items = data.draw(st.lists(st.sampled_from(definition.items), min_size=1, unique_by=id))
    drawn: dict[str, Any] = {}
    for item in items:
        codes = [f"{option.code:g}" for option in definition.option_set(item).options or []]
        drawn[item.id] = data.draw(st.sampled_from(codes + ([None] if allow_missing else [])))
    return drawn


def as_codes(typed: dict[str, Any]) -> dict[str, float | None]:
    return {item: None if code is None else float(code) for item, code in typed.items()}


def differences(stored: dict[str, Any], wanted: dict[str, Any]) -> str:
    """Where the database and the model part, section by section and key by key."""
    lines = []
    for section, rows in wanted.items():
        found = stored[section]
        if isinstance(rows, set | list):
            if rows != found:
                extra, missing = set(found) - set(rows), set(rows) - set(found)
                lines.append(
                    f"{section}: stored {found}, model {rows} (extra {extra}, missing {missing})"
                )
            continue
        for key in sorted(set(rows) | set(found), key=str):
            if rows.get(key) != found.get(key):
                lines.append(f"{section} {key}: stored {found.get(key)}, model {rows.get(key)}")
    return "\n".join(lines)


class PracticeMachine(RuleBasedStateMachine):
    """Works a practice through the services; ``open_empty`` gives it an empty database."""

    open_empty: Callable[[], str]
    """Returns the URL of an empty database (set by the test)."""

    def __init__(self) -> None:
        super().__init__()
        self.url = self.open_empty()
        self.engine = open_database(self.url)
        self.model = ExpectedPractice()
        self.expected: list[tuple[str, str | None]] = []
        self.seen = 0

    def teardown(self) -> None:
        self.engine.dispose()

    def unit(self, work: Callable[[Session], T]) -> T:
        with unit_of_work(self.engine) as session:
            return work(session)

    def owner_codes(self, owner: tuple[str, Any]) -> list[str]:
        return [owner[1]] if owner[0] == "client" else list(self.model.couples[owner[1]])

    # Clients and couples.

    @initialize(names=st.lists(NAMES, min_size=2, max_size=3))
    def register_clients(self, names: list[str | None]) -> None:
        for name in names:
            self.register_client(name)

    @precondition(lambda self: len(self.model.living()) < MAX_CLIENTS)
    @rule(name=NAMES)
    def register_client(self, name: str | None) -> None:
        code = f"M{len(self.model.clients)}"
        new = NewClient(code=code, name=name)
        self.unit(lambda s: clients.create_client(session=s, actor=ACTOR, new=new))
        self.model.clients[code] = (name, False)
        self.expected += [("create", code)]

    @precondition(lambda self: self.model.living())
    @rule(data=st.data(), name=NAMES.filter(bool))
    def correct_client(self, data: st.DataObject, name: str) -> None:
        code = data.draw(st.sampled_from(self.model.living()))
        changes = ClientChanges(name=name)
        self.unit(
            lambda s: clients.change_client(session=s, actor=ACTOR, code=code, changes=changes)
        )
        self.model.clients[code] = (name, False)
        self.expected += [("change", code)]

    @precondition(lambda self: len(self.model.single()) >= 2)
    @rule(data=st.data())
    def pair(self, data: st.DataObject) -> None:
        first, second = data.draw(
            st.lists(st.sampled_from(self.model.single()), min_size=2, max_size=2, unique=True)
        )
        couple = self.unit(
            lambda s: clients.create_couple(
                session=s, actor=ACTOR, first_code=first, second_code=second
            )
        )
        self.model.couples[couple.id] = (first, second)
        self.expected += [("create", first), ("create", second)]

    @precondition(lambda self: len(self.model.living()) >= 3)
    @rule(data=st.data())
    def destroy_client(self, data: st.DataObject) -> None:
        code = data.draw(st.sampled_from(self.model.living()))
        self.unit(lambda s: destroy.destroy_client(session=s, actor=ACTOR, code=code))
        self.model.destroy(code)
        self.expected += [("destroy", code)]

    # Episodes.

    @precondition(lambda self: self.model.free_owners())
    @rule(data=st.data(), referral=WORDS)
    def open_episode(self, data: st.DataObject, referral: str) -> None:
        kind, who = data.draw(st.sampled_from(self.model.free_owners()))
        new = NewEpisode(
            client_code=who if kind == "client" else None,
            couple_id=who if kind == "couple" else None,
            started_on=FROZEN.date(), referral_text=referral,
        )  # fmt: skip
        opened = self.unit(lambda s: episodes.open_episode(session=s, actor=ACTOR, new=new))
        record = Record((kind, who), [Version("active", None, referral)])
        self.model.episodes[opened.lineage_id] = record
        self.expected += [("create", code) for code in self.owner_codes(record.owner)]

    @precondition(lambda self: self.model.episodes)
    @rule(data=st.data(), referral=WORDS, reason=WORDS)
    def correct_episode(self, data: st.DataObject, referral: str, reason: str) -> None:
        lineage = data.draw(st.sampled_from(sorted(self.model.episodes)))
        self.unit(
            lambda s: episodes.correct_episode(
                session=s, actor=ACTOR, lineage_id=lineage,
                changes={"referral_text": referral}, reason=reason,
            )
        )  # fmt: skip
        record = self.model.episodes[lineage]
        record.versions.append(Version("active", reason, referral))
        self.expected += [("change", code) for code in self.owner_codes(record.owner)]

    # Administrations: drafts, completion, corrections.

    @precondition(lambda self: self.model.living())
    @rule(data=st.data(), scale=st.sampled_from(SCALES))
    def start_draft(self, data: st.DataObject, scale: str) -> None:
        code = data.draw(st.sampled_from(self.model.living()))
        typed = answers_for(scale, data)
        given = [GivenAnswer(item, value) for item, value in typed.items()]
        new = NewAdministration(client_code=code, scale_id=scale)
        stored = self.unit(
            lambda s: store_answers(session=s, actor=ACTOR, library=LIBRARY, answers=given, new=new)
        )
        record = Record(("client", code), [Version("draft", None, {})], scale=scale)
        self.model.administrations[stored.draft.lineage_id] = record
        withdrawn = self._answer(record, typed)
        self.expected += [("create", code)] + [("change", code)] * withdrawn

    @precondition(lambda self: self.model.adms("draft"))
    @rule(data=st.data())
    def add_answers(self, data: st.DataObject) -> None:
        lineage = data.draw(st.sampled_from(self.model.adms("draft")))
        record = self.model.administrations[lineage]
        typed = answers_for(record.scale or "", data)
        given = [GivenAnswer(item, value) for item, value in typed.items()]
        self.unit(
            lambda s: store_answers(
                session=s, actor=ACTOR, library=LIBRARY, answers=given, administration_id=lineage
            )
        )
        withdrawn = self._answer(record, typed)
        self.expected += [("change", record.owner[1])] * (1 + withdrawn)

    def _answer(self, record: Record, typed: dict[str, Any]) -> int:
        """Store answers in the model's draft one by one, settling alerts as each critical one
        is stored; return how many alerts were withdrawn (each is logged)."""
        sheet = record.current.content
        critical = critical_items(LIBRARY, record.scale or "")
        withdrawn = 0
        for item, code in as_codes(typed).items():
            sheet[item] = code
            if item in critical:
                withdrawn += settle_alerts(LIBRARY, record, sheet)
        return withdrawn

    @precondition(lambda self: self.model.adms("draft"))
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        lineage = data.draw(st.sampled_from(self.model.adms("draft")))
        self.unit(
            lambda s: administrations.complete_administration(
                session=s, actor=ACTOR, library=LIBRARY, administration_id=lineage
            )
        )
        record = self.model.administrations[lineage]
        items = [item.id for item in LIBRARY.get(record.scale or "").items]
        record.current.content = {item: record.current.content.get(item) for item in items}
        record.current.status = "complete"
        self.expected += [("change", record.owner[1])]

    @precondition(lambda self: self.model.adms("draft"))
    @rule(data=st.data(), reason=WORDS)
    def discard(self, data: st.DataObject, reason: str) -> None:
        lineage = data.draw(st.sampled_from(self.model.adms("draft")))
        self.unit(
            lambda s: discard_draft(
                session=s, actor=ACTOR, administration_id=lineage, reason=reason
            )
        )
        record = self.model.administrations[lineage]
        record.current.status, record.current.reason = "retracted", reason
        self.expected += [("change", record.owner[1])]

    @precondition(lambda self: self.model.adms("complete"))
    @rule(data=st.data(), reason=WORDS)
    def correct(self, data: st.DataObject, reason: str) -> None:
        lineage = data.draw(st.sampled_from(self.model.adms("complete")))
        record = self.model.administrations[lineage]
        typed = answers_for(record.scale or "", data, allow_missing=True)
        self.unit(
            lambda s: administrations.correct_administration(
                session=s, actor=ACTOR, library=LIBRARY, lineage_id=lineage,
                answers=typed, reason=reason,
            )
        )  # fmt: skip
        sheet = {**record.current.content, **as_codes(typed)}
        record.versions.append(Version("complete", reason, sheet))
        withdrawn = settle_alerts(LIBRARY, record, sheet)
        self.expected += [("change", record.owner[1])] * (1 + withdrawn)

    @precondition(lambda self: self.model.adms("complete"))
    @rule(data=st.data(), reason=WORDS)
    def retract(self, data: st.DataObject, reason: str) -> None:
        lineage = data.draw(st.sampled_from(self.model.adms("complete")))
        self.unit(
            lambda s: administrations.retract_administration(
                session=s, actor=ACTOR, lineage_id=lineage, reason=reason
            )
        )
        record = self.model.administrations[lineage]
        record.versions.append(Version("retracted", reason, {}))
        withdrawn = withdraw(record)
        self.expected += [("change", record.owner[1])] * (1 + withdrawn)

    @precondition(lambda self: self.model.open_alerts())
    @rule(data=st.data())
    def acknowledge(self, data: st.DataObject) -> None:
        lineage, rule_id, item = data.draw(st.sampled_from(self.model.open_alerts()))
        alert_id = self._alert_id(lineage, rule_id, item)
        self.unit(
            lambda s: alerts.acknowledge_alert(
                session=s, actor=ACTOR, alert_id=alert_id,
                action=AlertAction.SAFETY_PLAN, note="safety plan agreed together",
            )
        )  # fmt: skip
        record = self.model.administrations[lineage]
        (alert,) = [a for a in record.raised if a == [rule_id, item, OPEN]]
        alert[2] = ACKNOWLEDGED
        self.expected += [("change", record.owner[1])]

    def _alert_id(self, lineage: int, rule_id: str, item: str) -> int:
        """The id of an alert of a lineage (identities come from the database, content never)."""
        sql = text(
            "SELECT alert.id FROM alert JOIN administration ON administration.id = "
            "alert.administration_id WHERE administration.lineage_id = :lineage AND "
            "alert.rule_id = :rule AND alert.item = :item AND alert.acknowledged_at IS NULL"
        )
        with self.engine.connect() as connection:
            (found,) = connection.execute(sql, {"lineage": lineage, "rule": rule_id, "item": item})
        return found[0]

    # The database as a whole: restarted, exported and imported.

    @precondition(lambda self: self.model.episodes or self.model.administrations)
    @rule()
    def restart(self) -> None:
        self.engine.dispose()
        self.engine = open_database(self.url)

    @precondition(lambda self: self.model.administrations)
    @rule()
    def export_and_import(self) -> None:
        document = self.unit(lambda s: export_document(session=s, actor=ACTOR))
        written = json.loads(json.dumps(document, ensure_ascii=False, sort_keys=True))
        self.engine.dispose()
        self.url = self.open_empty()
        self.engine = open_database(self.url)
        self.unit(lambda s: import_document(session=s, actor=ACTOR, document=written))
        exported = [("export", code) for code in self.model.clients]  # registration order
        self.expected += [("export", None), *exported, ("import", None)]

    @invariant()
    def the_database_equals_the_model_and_the_audit_log_the_operations(self) -> None:
        stored, wanted = stored_view(self.engine), self.model.view()
        assert stored == wanted, differences(stored, wanted)
        with self.engine.connect() as connection:
            appended = connection.execute(
                text("SELECT event, client_code FROM auditevent WHERE seq > :seen ORDER BY seq"),
                {"seen": self.seen},
            ).all()
        assert [tuple(row) for row in appended] == self.expected
        self.seen += len(appended)
        self.expected = []
        with Session(self.engine) as session:
            assert verify_chain(session=session).intact
