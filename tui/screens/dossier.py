"""Provides the dossier: who, the episode, open alerts, the scores so far and every record.

The records (visits with their scales, drafts) are a list: ↑↓ choose one, Enter opens it (a visit
with its whole note, a scale item by item, a draft to finish). Keys typed while the dossier is
read wait for it (``hecht.tui.shell.typeahead``), so a key pressed at once acts on what is stored.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList

from hecht.tui.backend.records import Dossier
from hecht.tui.shell.keybar import KeyBar
from hecht.tui.shell.screen_base import HechtScreen
from hecht.tui.shell.typeahead import holding_keys
from hecht.tui.views.dossier_text import (
    alert_line,
    episode_line,
    person,
    person_and_role,
    records,
    score_line,
    short_name,
)
from hecht.tui.views.formatting import plural
from hecht.tui.widgets.plain import Plain, PlainOptions, choice

EARLIER_ALERTS_SHOWN = 3
"""The closed alerts the dossier lists, newest first, above the client's records: each takes a
line or more with its note; the client's report lists every one."""

NEEDS_DOSSIER = frozenset(
    {
        "visit", "enter_scale", "resume", "discard_draft", "acknowledge", "new_episode",
        "edit_client", "edit_episode", "history",
    }
)  # fmt: skip
"""The actions that act on what the dossier read (the client, its episodes and records)."""


class DossierScreen(HechtScreen[None]):
    """One client: read in a worker, shown as sections; keys start the common actions."""

    DEFAULT_CSS = """
    #dossier { padding: 1 2 0 2; height: 1fr; }
    #dossier-alerts { color: $error; text-style: bold; margin-top: 1; }
    #dossier-closed-alerts { color: $text-muted; margin-top: 1; }
    #dossier-records { height: 1fr; border: none; padding: 0; }
    #dossier-records:focus { border: none; }
    """

    BINDINGS = [
        Binding("v", "visit", "New visit", id="dossier.visit"),
        Binding("e", "enter_scale", "Enter a scale", id="dossier.enter"),
        Binding("t", "trajectory", "Trajectory", id="dossier.trajectory"),
        Binding("r", "resume", "Resume draft", id="dossier.resume"),
        Binding("a", "acknowledge", "Acknowledge", id="dossier.ack"),
        Binding("n", "new_episode", "New episode", id="dossier.episode"),
        # Rarer: F1 and the command palette list them, the footer does not.
        Binding("c", "edit_client", "Client", id="dossier.client", show=False),
        Binding("p", "edit_episode", "Edit episode", id="dossier.edit_episode", show=False),
        Binding("h", "history", "History", id="dossier.history", show=False),
        Binding("d", "discard_draft", "Discard draft", id="dossier.discard", show=False),
        Binding("escape", "back", "Back", id="dossier.back", show=False),
    ]  # fmt: skip

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.dossier: Dossier | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dossier"):
            yield Plain(self.text("dossier.loading"), id="dossier-head")
            yield Plain("", id="dossier-alerts", classes="hidden")
            yield Plain("", id="dossier-closed-alerts", classes="hidden")
            yield Plain(self.text("dossier.scores"), classes="section-heading")
            yield Plain("", id="dossier-scores")
            yield Plain(self.text("dossier.records"), classes="section-heading")
            yield PlainOptions(id="dossier-records")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dossier-records", PlainOptions).focus()
        self._load()

    def on_screen_resume(self) -> None:
        """Back from a visit, a scale or a form: show what is stored now."""
        if self.shown_may_be_stale():
            self._load()

    @holding_keys(group="dossier")
    def _load(self) -> None:
        generation = self.backend.generation
        try:
            dossier = self.backend.dossier(self.code)
        except Exception as error:  # noqa: BLE001 - said on screen; the caseload is one key away
            self.app.call_from_thread(self._unreadable, error)
            return
        self.app.call_from_thread(self._show, dossier, generation)

    def _unreadable(self, error: BaseException) -> None:
        self.query_one("#dossier-head", Plain).update(
            self.text("dossier.unreadable", reason=self.reason_for(error))
        )

    @property
    def loaded(self) -> Dossier:
        """The dossier on screen (actions run only once it is here: keys wait for it)."""
        assert self.dossier is not None
        return self.dossier

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Actions on the client's records wait for the dossier: shown disabled until it is
        read, and when it cannot be read (the caseload is one key away)."""
        if action in NEEDS_DOSSIER and self.dossier is None:
            return None
        return True

    def _who(self) -> str:
        return person(self.loaded.client, self.hecht.privacy)

    def _names(self) -> dict[str, str]:
        """How the client and partner are named on screen, by code."""
        people = [self.loaded.client, self.loaded.partner]
        return {p.code: person(p, self.hecht.privacy) for p in people if p is not None}

    def _show(self, dossier: Dossier, generation: int) -> None:
        first = self.dossier is None
        self.dossier, self._seen_generation = dossier, generation
        if first:
            self.refresh_bindings()
        text, today = self.text, self.backend.clock().date()
        people = [p for p in (dossier.client, dossier.partner) if p is not None]
        who = " + ".join(person_and_role(p, self.hecht.privacy, text) for p in people)
        head = [Content.styled(who, "bold")]
        head += [Content(episode_line(e, today, text)) for e in dossier.episodes]
        self.query_one("#dossier-head", Plain).update(Content("\n").join(head))
        alerts = self.query_one("#dossier-alerts", Plain)
        alerts.set_class(not dossier.open_alerts, "hidden")
        alerts.update("\n".join(self._alert_text(a) for a in dossier.open_alerts))
        # what was done about each earlier alert, and the note that says so: part of the record
        closed = [a for a in reversed(dossier.alerts) if a.acknowledged_at is not None]
        earlier = self.query_one("#dossier-closed-alerts", Plain)
        earlier.set_class(not closed, "hidden")
        lines = [text("dossier.closed_alerts")]
        lines += [self._alert_text(a) for a in closed[:EARLIER_ALERTS_SHOWN]]
        more = len(closed) - EARLIER_ALERTS_SHOWN
        if more > 0:  # years of alerts would push the records off the screen
            lines.append(
                plural(text, "dossier.closed_alerts_more", more, count=more, code=self.code)
            )
        earlier.update("\n".join(lines))
        self.query_one("#dossier-scores", Plain).update(self._scores())
        self._fill_records()

    def _fill_records(self) -> None:
        listing = self.query_one("#dossier-records", PlainOptions)
        highlighted = listing.highlighted_option.id if listing.highlighted_option else None
        found = records(self.loaded, self.backend.library, self.text)
        listing.clear_options()
        listing.add_options([choice(record.label, record.key) for record in found])
        keys = [record.key for record in found]
        if found:
            listing.highlighted = keys.index(highlighted) if highlighted in keys else 0

    def _scores(self) -> str:
        from hecht.scales.change import compare
        from hecht.schema.readmodels import stands

        dossier, library = self.loaded, self.backend.library
        by_scale: dict[str, list[Any]] = {}
        for point in dossier.points:
            by_scale.setdefault(point.scale_id, []).append(point)
        lines = []
        for scale_id, points in by_scale.items():
            try:
                definition = library.get(scale_id)
            except KeyError:
                definition = None
            latest = points[-1].lineage_id  # an alert stands while its answer does, in any version
            alerted = [
                a.item for a in dossier.alerts if a.lineage_id == latest and stands(a.action)
            ]
            lines.append(score_line(points, definition, alerted, self.text, compare))
        if not by_scale:
            lines.append(self.text("dossier.no_scores"))
        return "\n".join(lines)

    def _alert_rule(self, alert: Any) -> tuple[str, str]:
        """The scale (short name) whose critical rule raised the alert, and the rule's message."""
        dossier, library = self.loaded, self.backend.library
        scale_of = {p.lineage_id: (p.scale_id, p.scale_version) for p in dossier.points}
        scale_of.update({d.lineage_id: (d.scale_id, d.scale_version) for d in dossier.drafts})
        found = scale_of.get(alert.lineage_id)
        if found is None:
            return "—", alert.rule_id
        try:
            definition = library.get(*found)
        except KeyError:
            return found[0], alert.rule_id
        for rule in definition.interpretation.critical:
            if rule.id == alert.rule_id:
                return definition.short_name, rule.message.get(self.text.language)
        return definition.short_name, alert.rule_id

    def _alert_text(self, alert: Any) -> str:
        scale, message = self._alert_rule(alert)
        return alert_line(alert, scale, message, self.text)

    def _highlighted(self) -> str | None:
        option = self.query_one("#dossier-records", PlainOptions).highlighted_option
        return None if option is None else option.id

    @on(OptionList.OptionSelected, "#dossier-records")
    def _open_record(self, event: OptionList.OptionSelected) -> None:
        """Enter on a record: a visit or a scale opens, a draft is finished."""
        kind, _, number = str(event.option.id).partition(":")
        if kind == "draft":
            self._resume(int(number))
        elif kind == "visit":
            from hecht.tui.screens.visit import VisitScreen

            self.app.push_screen(VisitScreen(self.code, int(number), self._who()))
        elif kind == "administration":
            from hecht.tui.screens.administration import AdministrationScreen

            self.app.push_screen(AdministrationScreen(int(number), self._who()))

    def action_back(self) -> None:
        """Back to the caseload."""
        self.dismiss(None)

    def action_trajectory(self) -> None:
        """Chart this client's scores per scale over time (with the partner's, in a couple)."""
        from hecht.tui.screens.trajectory import TrajectoryScreen

        self.app.push_screen(TrajectoryScreen(self.code))

    def action_new_episode(self) -> None:
        """Open an episode for this client, or for the couple when there is a partner."""
        from hecht.tui.dialogs.episode_form import NewEpisodeModal

        today = self.backend.clock().date()
        owner: dict[str, Any] = {"client_code": self.code}
        if self.loaded.couple_id is not None:
            owner = {"couple_id": self.loaded.couple_id}
        self.app.push_screen(NewEpisodeModal(owner, today))

    def action_visit(self) -> None:
        """Start a visit in the current episode: its battery, then the note."""
        dossier = self.loaded
        active = [e for e in dossier.episodes if e.status == "active"]
        if not active:
            self.app.notify(self.text("dossier.no_episode"), severity="warning")
            return
        episode = active[-1]
        names = {self.code: self._names()[self.code]}
        roles = {self.code: dossier.client.role}
        if episode.couple_id is not None and dossier.partner is not None:
            names[dossier.partner.code] = self._names()[dossier.partner.code]
            roles[dossier.partner.code] = dossier.partner.role
        first = not any(v.episode_lineage_id == episode.lineage_id for v in dossier.visits)
        self.hecht.run_visit(self.code, names, episode, first, roles)

    def action_enter_scale(self) -> None:
        """Pick a scale and the day it was filled in, and key it in for this client."""
        from hecht.tui.dialogs.scale_picker import PickedScale, ScalePickerModal
        from hecht.tui.views.visit_plan import moment_on

        active = [e for e in self.loaded.episodes if e.status == "active"]
        episode = active[-1] if active else None
        lineage = None if episode is None else episode.lineage_id

        def chosen(picked: PickedScale | None) -> None:
            if picked:
                moment = moment_on(picked.day, {self.code: self.loaded.client.role}, episode)
                definition = self.backend.library.get(picked.scale_id)
                caution = moment.caution(definition, self.code, self._who(), self.text)
                self.hecht.enter_scale(
                    self.code, picked.scale_id, self._who(), caution=caution,
                    episode_lineage_id=lineage, observed_on=picked.day,
                )  # fmt: skip

        today = self.backend.clock().date()
        self.app.push_screen(ScalePickerModal(today, lineage), chosen)

    def _pick_draft(self, then: Any) -> None:
        """The highlighted draft, the only one, or the one chosen from a list."""
        from hecht.tui.dialogs.choice import ChoiceModal

        drafts = {str(d.id): d for d in self.loaded.drafts}
        highlighted = (self._highlighted() or "").partition(":")
        if highlighted[0] == "draft" and highlighted[2] in drafts:
            then(drafts[highlighted[2]])
        elif len(drafts) == 1:
            then(next(iter(drafts.values())))
        elif drafts:
            labels = {
                r.key.partition(":")[2]: r.label
                for r in records(self.loaded, self.backend.library, self.text)
                if r.key.startswith("draft:")
            }
            choices = [(key, labels.get(key, key).strip()) for key in drafts]
            self.app.push_screen(
                ChoiceModal(self.text("dossier.pick_draft"), choices),
                lambda key: then(drafts[key]) if key else None,
            )
        else:
            self.app.notify(self.text("dossier.no_drafts"))

    def action_resume(self) -> None:
        """Finish a draft: the highlighted one, the only one, or one chosen from a list."""
        self._pick_draft(lambda draft: self.hecht.resume(draft, self._who()))

    def _resume(self, draft_id: int) -> None:
        draft = next(d for d in self.loaded.drafts if d.id == draft_id)
        self.hecht.resume(draft, self._who())

    def action_discard_draft(self) -> None:
        """Discard a draft, saying why (it stays readable in its history)."""
        from hecht.tui.dialogs.reason import ReasonModal, with_reason

        def discard(draft: Any) -> None:
            scale = short_name(self.backend.library, draft.scale_id)
            self.app.push_screen(
                ReasonModal(self.text("dossier.discard_title", scale=scale)),
                with_reason(lambda reason: self._discard(draft.id, reason)),
            )

        self._pick_draft(discard)

    @holding_keys(group="dossier-discard")
    def _discard(self, draft_id: int, reason: str) -> None:
        if self.stored(
            lambda: self.backend.discard_draft(draft_id, reason),
            self.text("dossier.draft_discarded"),
        ):
            self.app.call_from_thread(self._load)

    def action_acknowledge(self) -> None:
        """Acknowledge an open alert: the only one, or the one chosen from a list."""
        from hecht.tui.dialogs.choice import ChoiceModal

        found = {str(alert.id): alert for alert in self.loaded.open_alerts}
        if not found:
            self.app.notify(self.text("dossier.no_open_alerts"))
        elif len(found) == 1:
            self._acknowledge(next(iter(found.values())))
        else:
            choices = [(key, self._alert_text(alert)) for key, alert in found.items()]
            self.app.push_screen(
                ChoiceModal(self.text("dossier.pick_alert"), choices),
                lambda chosen: self._acknowledge(found[chosen]) if chosen else None,
            )

    def _acknowledge(self, alert: Any) -> None:
        from hecht.tui.dialogs.alert import AlertModal

        scale, message = self._alert_rule(alert)
        self.app.push_screen(AlertModal(alert, message, scale, later=True))

    def action_edit_client(self) -> None:
        """Correct the client's name, birth year, language or contact."""
        from hecht.tui.dialogs.new_client import NewClientModal

        self.app.push_screen(NewClientModal(self.loaded.client))

    def action_edit_episode(self) -> None:
        """Correct an episode (or close it): the only one, or the one chosen from a list."""
        from hecht.tui.dialogs.choice import ChoiceModal

        found = {str(episode.lineage_id): episode for episode in self.loaded.episodes}
        if not found:
            self.app.notify(self.text("dossier.no_episode"), severity="warning")
        elif len(found) == 1:
            self._edit_episode(next(iter(found.values())))
        else:
            choices = [
                (
                    key,
                    self.text(
                        "history.record.episode",
                        started=self.fmt.date(e.started_on),
                        version=e.version,
                    ),
                )
                for key, e in found.items()
            ]
            self.app.push_screen(
                ChoiceModal(self.text("dossier.pick_episode"), choices),
                lambda chosen: self._edit_episode(found[chosen]) if chosen else None,
            )

    def _edit_episode(self, episode: Any) -> None:
        from hecht.tui.dialogs.episode_form import NewEpisodeModal

        today = self.backend.clock().date()
        self.app.push_screen(NewEpisodeModal({}, today, episode))

    def action_history(self) -> None:
        """Show the versions of the highlighted record, or of a record chosen from a list."""
        from hecht.tui.dialogs.choice import ChoiceModal
        from hecht.tui.dialogs.history import record_choices

        choices = record_choices(self.loaded, self.text, self.backend.library)
        labels = dict(choices)
        kind, _, number = (self._highlighted() or "").partition(":")
        if kind == "draft":
            draft = next(d for d in self.loaded.drafts if str(d.id) == number)
            kind, number = "administration", str(draft.lineage_id)
        key = f"{kind}:{number}"
        if key in labels:
            self.hecht.show_history(kind, int(number), labels[key])
            return

        def chosen(picked: str | None) -> None:
            if picked is not None:
                picked_kind, _, lineage = picked.partition(":")
                self.hecht.show_history(picked_kind, int(lineage), labels[picked])

        self.app.push_screen(ChoiceModal(self.text("history.pick"), choices), chosen)
