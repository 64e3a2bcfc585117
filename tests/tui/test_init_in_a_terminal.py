"""The real ``hecht init`` with its real questionary prompts, in a terminal (a private tmux
server), keys sent in bursts; the config file it writes is read back."""

from __future__ import annotations

import pytest

from hecht.tui.config import load_config
from hecht.tui.i18n import Messages

from .terminal import TMUX, Terminal

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")


def test_choosing_dutch_in_init_asks_every_later_question_in_dutch(isolated_config, tmp_path):
    dutch = Messages("nl")
    env = {
        "HECHT_CONFIG": str(isolated_config),
        "HECHT_CACHE": str(tmp_path / "cache"),
        "HECHT_LANG": "en",
    }
    with Terminal(env, 120, 40) as terminal:
        terminal.start("init")
        terminal.wait_for("Your name")
        terminal.burst("Mira Jansen", "Enter")
        terminal.wait_for("Language:")
        terminal.burst("1", "Enter")  # 1) Nederlands
        terminal.wait_for(dutch("init.database")[:30])
        terminal.burst("C-u", str(tmp_path / "praktijk.db"), "Enter")
        intake = terminal.wait_for(dutch("init.intake")[:30])
        assert "(pijltjes verplaatsen" in intake  # questionary's hint in Dutch too
        assert "Edinburgh Postnatale Depressieschaal" in intake
        terminal.burst("Enter")
        terminal.wait_for(dutch("init.visit")[:30])
        terminal.burst("Enter")
        terminal.wait_for("(J/n)")
        terminal.burst("n")
        assert terminal.exit_status() == 0
        shown = terminal.screen()
    assert "Instellingen geschreven naar" in shown
    for english in ("a file path", "Intake battery", "Scales at every visit", "(Y/n)", "Settings"):
        assert english not in shown
    assert (load_config().practitioner, load_config().language) == ("Mira Jansen", "nl")
