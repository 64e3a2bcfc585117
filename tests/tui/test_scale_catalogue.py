"""The scale catalogue (F4 on the caseload): every scale with what `hecht scales show` says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hecht.scales.library import load_library
from hecht.tui.app import HechtApp
from hecht.tui.backend.core import Backend
from hecht.tui.i18n import Messages
from hecht.tui.views.scale_view import describe_definition

from .conftest import PRACTITIONER_CONFIG, caseload_shown, settled

LIBRARY = load_library(None)
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def make_app(tmp_path, language):
    backend = Backend(f"sqlite:///{tmp_path / 'practice.db'}", LIBRARY, "test:tui", lambda: NOW)
    return HechtApp(backend, Messages(language), PRACTITIONER_CONFIG)


@pytest.mark.parametrize(("language", "domain"), [("nl", "Welbevinden"), ("en", "Wellbeing")])
async def test_f4_lists_every_scale_and_shows_the_chosen_ones_facts(tmp_path, language, domain):
    app = make_app(tmp_path, language)
    messages = Messages(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("f4")
        await settled(pilot)
        assert type(app.screen).__name__ == "ScalesScreen"
        listed = app.screen.query_one("#scales-list")
        shown = [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)]
        latest = LIBRARY.latest()
        assert [line.split()[0] for line in shown] == [e.definition.short_name for e in latest]
        who5 = next(n for n, line in enumerate(shown) if line.startswith("WHO-5"))
        assert shown[who5].endswith(domain)
        await pilot.press(*["down"] * who5)
        await settled(pilot)
        facts = str(app.screen.query_one("#scales-text").render())
        entry = next(e for e in latest if e.definition.id == "who5")
        assert facts == "\n".join(describe_definition(entry, messages))
        await pilot.press("escape")
        await settled(pilot)
        assert type(app.screen).__name__ == "CaseloadScreen"
