"""Provides the dossier: a client's episode, visits, latest scores, open alerts and drafts."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from hecht.scales.perinatal import perinatal_week
from hecht.tui.keybar import KeyBar


class DossierScreen(Screen[None]):
    """One client: read in a worker, shown as sections; keys start the common actions."""

    BINDINGS = [
        Binding("v", "visit", "New visit", id="dossier.visit", tooltip="Start a visit"),
        Binding("e", "enter_scale", "Enter a scale", id="dossier.enter", tooltip="Key in a scale"),
        Binding(
            "t", "trajectory", "Trajectory", id="dossier.trajectory", tooltip="Scores over time"
        ),
        Binding("r", "resume", "Resume draft", id="dossier.resume", tooltip="Finish a draft"),
        Binding(
            "a", "acknowledge", "Acknowledge", id="dossier.ack", tooltip="Acknowledge an alert"
        ),
        Binding("n", "new_episode", "New episode", id="dossier.episode", tooltip="Open an episode"),
        # Corrections and history are rarer: F1 and the command palette list them, the footer not.
        Binding(
            "c",
            "edit_client",
            "Client",
            id="dossier.client",
            tooltip="Correct the client",
            show=False,
        ),
        Binding(
            "p",
            "edit_episode",
            "Edit episode",
            id="dossier.edit_episode",
            tooltip="Correct it",
            show=False,
        ),
        Binding(
            "h",
            "history",
            "History",
            id="dossier.history",
            tooltip="Versions of a record",
            show=False,
        ),
        Binding(
            "escape", "back", "Back", id="dossier.back", tooltip="Back to the caseload", show=False
        ),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.dossier: Any = None
        self._pending: str | None = None
        """An action whose key was pressed before the dossier arrived; it runs on arrival."""

    @property
    def text(self) -> Any:
        """The app's message catalogue."""
        return self.app.messages  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dossier"):
            yield Static(self.text("dossier.loading"), id="dossier-body")
        yield KeyBar()

    def on_screen_resume(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="dossier")
    def _load(self) -> None:
        dossier = self.app.backend.dossier(self.code)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show, dossier)

    def _who(self) -> str:
        client = self.dossier.client
        if self.app.privacy or not client.name:  # type: ignore[attr-defined]
            return client.code
        return f"{client.code} · {client.name}"

    def _show(self, dossier: Any) -> None:
        self.dossier = dossier
        text, sections = self.text, []
        partner = f" + {dossier.partner_code}" if dossier.partner_code else ""
        sections.append(f"[b]{self._who()}{partner}[/b]")
        for episode in dossier.episodes:
            week = perinatal_week(
                self.app.backend.clock().date(),
                due_date=episode.due_date,
                birth_date=episode.birth_date,
            )  # type: ignore[attr-defined]
            reasons = (
                ", ".join(text(f"reason.{reason}") for reason in episode.referral_reasons) or "—"
            )
            sections.append(
                text(
                    "dossier.episode",
                    due=episode.due_date or "—",
                    birth=episode.birth_date or "—",
                    week=week.label if week else "—",
                    reasons=reasons,
                )
            )
        sections.append(f"\n[b]{text('dossier.visits')}[/b]")
        for visit in dossier.visits or []:
            first_line = (visit.note or "").splitlines()[0] if visit.note else ""
            sections.append(f"  {visit.visit_date}  {first_line[:70]}")
        sections.append(f"\n[b]{text('dossier.scores')}[/b]")
        for scale_id, points in self._by_scale(dossier.points).items():
            sections.append(self._score_line(scale_id, points))
        if dossier.open_alerts:
            sections.append(f"\n[b]{text('dossier.alerts')}[/b]")
            sections += [
                f"  ⚠ {alert.rule_id} (item {alert.item}, {alert.level})"
                for alert in dossier.open_alerts
            ]
        if dossier.drafts:
            sections.append(f"\n[b]{text('dossier.drafts')}[/b]")
            sections += [
                f"  ✎ {draft.scale_id} ({len(draft.answers)} answers)" for draft in dossier.drafts
            ]
        self.query_one("#dossier-body", Static).update("\n".join(str(s) for s in sections))
        pending, self._pending = self._pending, None
        if pending is not None:
            getattr(self, f"action_{pending}")()

    def _loaded(self, action: str) -> bool:
        """Whether the dossier is here; if not, the action waits for it (a key pressed early)."""
        if self.dossier is None:
            self._pending = action
        return self.dossier is not None

    def _score_line(self, scale_id: str, points: list[Any]) -> str:
        """One scale: short name, latest total, change since the first with its J&T category."""
        from hecht.scales.change import compare

        first, last = points[0], points[-1]
        try:
            definition = self.app.backend.library.get(scale_id)  # type: ignore[attr-defined]
            name = definition.short_name
        except KeyError:
            definition, name = None, scale_id
        change = ""
        if first is not last and None not in (first.total, last.total):
            change = f" ({last.total - first.total:+g}"
            category = (
                None
                if definition is None
                else compare(definition, first.total, last.total).category
            )
            if category is not None:
                change += f", {self.text(f'category.{category.value}')}"
            change += ")"
        total = "—" if last.total is None else f"{last.total:g}"
        band = self._band_label(scale_id, last.band)
        return f"  {escape(name):<8} {total}{change}  {band}  · {len(points)}×"

    def _band_label(self, scale_id: str, band_id: str | None) -> str:
        """The band's label in the user's language (the stored value is its id)."""
        library = self.app.backend.library  # type: ignore[attr-defined]
        try:
            bands = library.get(scale_id).interpretation.bands
        except KeyError:
            return band_id or ""
        labels = {band.id: band.label.get(self.text.language) for band in bands}
        return labels.get(band_id or "", band_id or "")

    @staticmethod
    def _by_scale(points: list[Any]) -> dict[str, list[Any]]:
        grouped: dict[str, list[Any]] = {}
        for point in points:
            grouped.setdefault(point.scale_id, []).append(point)
        return grouped

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

        if not self._loaded("new_episode"):
            return
        today = self.app.backend.clock().date()  # type: ignore[attr-defined]
        owner: dict[str, Any] = {"client_code": self.code}
        if self.dossier.couple_id is not None:
            owner = {"couple_id": self.dossier.couple_id}
        self.app.push_screen(NewEpisodeModal(owner, today), lambda _id: self._load())

    def action_visit(self) -> None:
        """Start a visit in the current episode: its battery, then the note."""
        if not self._loaded("visit"):
            return
        if not self.dossier.episodes:
            self.app.notify(self.text("dossier.no_episode"), severity="warning")
            return
        episode = self.dossier.episodes[-1]
        members = [self.code]
        if episode.couple_id is not None and self.dossier.partner_code:
            members.append(self.dossier.partner_code)
        first = not any(v.episode_lineage_id == episode.lineage_id for v in self.dossier.visits)
        self.app.run_visit(self.code, self._who(), episode.lineage_id, members, first)  # type: ignore[attr-defined]

    def action_enter_scale(self) -> None:
        """Pick a scale and key it in for this client."""
        from hecht.tui.dialogs.scale_picker import ScalePickerModal

        if not self._loaded("enter_scale"):
            return
        episode = self.dossier.episodes[-1].lineage_id if self.dossier.episodes else None

        def chosen(scale_id: str | None) -> None:
            if scale_id:
                self.app.enter_scale(self.code, scale_id, self._who(), episode_lineage_id=episode)  # type: ignore[attr-defined]

        self.app.push_screen(ScalePickerModal(), chosen)

    def action_resume(self) -> None:
        """Finish the oldest unfinished draft."""
        if self._loaded("resume") and self.dossier.drafts:
            self.app.resume(self.dossier.drafts[0], self._who())  # type: ignore[attr-defined]

    def action_acknowledge(self) -> None:
        """Acknowledge an open alert: the only one, or the one chosen from a list."""
        from hecht.tui.dialogs.choice import ChoiceModal

        if not self._loaded("acknowledge") or not self.dossier.open_alerts:
            return
        found = {str(alert.id): alert for alert in self.dossier.open_alerts}
        if len(found) == 1:
            self._acknowledge(self.dossier.open_alerts[0])
            return
        choices = [(key, self._alert_choice(alert)) for key, alert in found.items()]
        self.app.push_screen(
            ChoiceModal(self.text("dossier.pick_alert"), choices),
            lambda chosen: self._acknowledge(found[chosen]) if chosen else None,
        )

    def _acknowledge(self, alert: Any) -> None:
        from hecht.tui.dialogs.alert import AlertModal

        _scale, message = self._alert_rule(alert)
        self.app.push_screen(AlertModal(alert, message), lambda _: self._load())

    def _alert_choice(self, alert: Any) -> str:
        scale, _message = self._alert_rule(alert)
        day = alert.raised_at.astimezone().date()
        return self.text(
            "dossier.alert_choice", scale=scale, item=alert.item, level=alert.level, day=day
        )

    def _alert_rule(self, alert: Any) -> tuple[str, str]:
        """The scale (short name) whose critical rule raised the alert, and the rule's message."""
        dossier = self.dossier
        scale_of = {p.administration_id: p.scale_id for p in dossier.points}
        scale_of.update({draft.id: draft.scale_id for draft in dossier.drafts})
        wanted = scale_of.get(alert.administration_id)
        for entry in self.app.backend.library.latest():  # type: ignore[attr-defined]
            definition = entry.definition
            if wanted not in (None, definition.id):
                continue
            for rule in definition.interpretation.critical:
                if rule.id == alert.rule_id:
                    return definition.short_name, rule.message.get(self.text.language)
        return wanted or "—", alert.rule_id

    def action_edit_client(self) -> None:
        """Correct the client's name, birth year, language or contact."""
        from hecht.tui.dialogs.new_client import NewClientModal

        if self._loaded("edit_client"):
            self.app.push_screen(NewClientModal(self.dossier.client), lambda _: self._load())

    def action_edit_episode(self) -> None:
        """Correct an episode (or close it): the only one, or the one chosen from a list."""
        from hecht.tui.dialogs.choice import ChoiceModal

        if not self._loaded("edit_episode"):
            return
        found = {str(episode.lineage_id): episode for episode in self.dossier.episodes}
        if not found:
            self.app.notify(self.text("dossier.no_episode"), severity="warning")
            return
        if len(found) == 1:
            self._edit_episode(self.dossier.episodes[0])
            return
        choices = [
            (key, self.text("history.record.episode", started=e.started_on, version=e.version))
            for key, e in found.items()
        ]
        self.app.push_screen(
            ChoiceModal(self.text("dossier.pick_episode"), choices),
            lambda chosen: self._edit_episode(found[chosen]) if chosen else None,
        )

    def _edit_episode(self, episode: Any) -> None:
        from hecht.tui.dialogs.episode_form import NewEpisodeModal

        today = self.app.backend.clock().date()  # type: ignore[attr-defined]
        self.app.push_screen(NewEpisodeModal({}, today, episode), lambda _: self._load())

    def action_history(self) -> None:
        """Choose a record of this dossier and show its versions."""
        from hecht.tui.dialogs.choice import ChoiceModal
        from hecht.tui.dialogs.history import record_choices

        if not self._loaded("history"):
            return
        library = self.app.backend.library  # type: ignore[attr-defined]
        names = {e.definition.id: e.definition.short_name for e in library.latest()}
        choices = record_choices(self.dossier, self.text, names)
        labels = dict(choices)

        def chosen(key: str | None) -> None:
            if key is not None:
                kind, lineage = key.split(":")
                self._read_history(kind, int(lineage), labels[key])

        self.app.push_screen(ChoiceModal(self.text("history.pick"), choices), chosen)

    @work(thread=True, group="dossier-history")
    def _read_history(self, kind: str, lineage_id: int, label: str) -> None:
        history = self.app.backend.history(kind, lineage_id)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._show_history, label, history)

    def _show_history(self, label: str, history: Any) -> None:
        from hecht.tui.dialogs.history import HistoryModal

        self.app.push_screen(HistoryModal(label, history))
