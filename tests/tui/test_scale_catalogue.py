"""The scale catalogue (F4 on the caseload): every scale with what `hecht scales show` says."""

from __future__ import annotations

import pytest

from hecht.tui.i18n import Messages
from hecht.tui.views.scale_view import describe_definition

from .conftest import LIBRARY, caseload_shown, make_app, press, press_to


@pytest.mark.parametrize(("language", "domain"), [("nl", "Welbevinden"), ("en", "Wellbeing")])
async def test_f4_lists_every_scale_and_shows_the_chosen_ones_facts(tmp_path, language, domain):
    app = make_app(f"sqlite:///{tmp_path / 'practice.db'}", language)
    messages = Messages(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await caseload_shown(pilot)
        await press_to(pilot, "f4", screen="ScalesScreen")
        listed = app.screen.query_one("#scales-list")
        shown = [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)]
        latest = LIBRARY.latest()
        assert [line.split()[0] for line in shown] == [e.definition.short_name for e in latest]
        who5 = next(n for n, line in enumerate(shown) if line.startswith("WHO-5"))
        assert shown[who5].endswith(domain)
        await press(pilot, *["down"] * who5)
        facts = str(app.screen.query_one("#scales-text").render())
        entry = next(e for e in latest if e.definition.id == "who5")
        assert facts == "\n".join(describe_definition(entry, messages))
        await press_to(pilot, "escape", screen="CaseloadScreen")
