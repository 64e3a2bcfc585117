"""Provides the end-to-end key benchmark: an answer key typed in tmux until its effect is visible.

    python bench/tmux_keys.py [--keys 40]

Starts the real ``hecht`` in a detached tmux session (120x40, on a tmux server, config folder
and seeded database of its own), opens item entry of the EPDS for a client, and for each of N
answer keys measures the time from ``send-keys`` to the next item showing in ``capture-pane``.
The floor is the same loop against a minimal Textual app that shows how many keys it saw; a
line for ``cat`` shows what tmux and the terminal alone cost. tmux is driven through one
control-mode client, so polling the screen costs a round trip, not a process per look.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WIDTH, HEIGHT = 120, 40
SCALE = "epds"
CLIENT = "K1"
FRAME_MS = 1000 / 60
TIMEOUT = 30.0


class Tmux:
    """A private tmux server, commanded through one control-mode client."""

    def __init__(self, tmux: str) -> None:
        self.tmux = tmux
        self.socket = f"hecht-bench-{os.getpid()}"
        self.socket_path: Path | None = None
        self.control: subprocess.Popen[str] | None = None

    def _plain(self, *args: str) -> None:
        command = [self.tmux, "-L", self.socket, "-f", os.devnull, *args]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        """Run ``command`` in a new detached session of the fixed size."""
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        shell = f"env {exports} {' '.join(command)}; sleep 600"
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        self._plain("new-session", "-d", "-s", name, *size, shell)
        if self.control is None:
            self.control = subprocess.Popen(
                [self.tmux, "-L", self.socket, "-C", "attach-session", "-t", name],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            )  # fmt: skip
            self._attached()
            self.socket_path = Path(self.command("display-message -p '#{socket_path}'")[0])
            # the control client counts for window sizes: give it the size wanted
            self.command(f"refresh-client -C {WIDTH}x{HEIGHT}")
        shown = self.command(f"display-message -p -t {name} '#{{window_width}}x#{{window_height}}'")
        if shown != [f"{WIDTH}x{HEIGHT}"]:
            raise RuntimeError(f"the session is {shown}, not {WIDTH}x{HEIGHT}")

    def _attached(self) -> None:
        """Wait until the control client is attached, then stop its %output notifications."""
        deadline = time.perf_counter() + TIMEOUT
        while time.perf_counter() < deadline:
            self._send("refresh-client -f no-output")  # refused until the client is attached
            if self._reply()[0]:
                return
            time.sleep(0.01)
        raise TimeoutError("the tmux control client did not attach")

    def _send(self, line: str) -> None:
        assert self.control is not None and self.control.stdin
        self.control.stdin.write(line + "\n")
        self.control.stdin.flush()

    def command(self, line: str) -> list[str]:
        """Send one command through the control client; return its output lines."""
        self._send(line)
        ok, output = self._reply()
        if not ok:
            raise RuntimeError(f"tmux refused {line!r}: {output}")
        return output

    def _reply(self) -> tuple[bool, list[str]]:
        """Read the next reply to this client, skipping anything else; (succeeded, lines)."""
        assert self.control is not None and self.control.stdout
        output: list[str] | None = None
        for raw in self.control.stdout:
            text = raw.rstrip("\n")
            if output is None:
                if text.startswith("%begin") and text.endswith(" 1"):
                    output = []  # flags 1: the reply to a command this client sent
            elif text.startswith(("%end", "%error")):
                return text.startswith("%end"), output
            else:
                output.append(text)
        raise RuntimeError("the tmux control client went away")

    def keys(self, name: str, *keys: str) -> None:
        """Type keys into a session (tmux key names, e.g. ``Enter``, ``Up``)."""
        self.command(f"send-keys -t {name} " + " ".join(keys))

    def screen(self, name: str) -> str:
        """Return what the session's pane shows now."""
        return "\n".join(self.command(f"capture-pane -p -t {name}"))

    def wait(self, name: str, shows: Callable[[str], bool], timeout: float = TIMEOUT) -> float:
        """Poll the pane until ``shows`` accepts it; return the moment that look answered."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if shows(self.screen(name)):
                return time.perf_counter()
        raise TimeoutError(f"the screen did not change as expected:\n{self.screen(name)}")

    def wait_for(self, name: str, text: str, times: int = 1) -> float:
        """Wait until ``text`` shows at least ``times`` times."""
        return self.wait(name, lambda screen: screen.count(text) >= times)

    def close(self) -> None:
        """Stop the control client and this benchmark's tmux server."""
        if self.control is not None and self.control.stdin:
            self.control.stdin.close()
            self.control.wait(timeout=5)
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"], capture_output=True, check=False
        )
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)  # tmux leaves it behind when killed


def seeded_database(folder: Path) -> Path:
    """A database with one client in an active episode, ready for a scale to be entered."""
    from datetime import date

    from hecht.schema.context import Actor
    from hecht.schema.db.database import open_database, unit_of_work
    from hecht.schema.inputs import NewClient, NewEpisode
    from hecht.schema.services import clients, episodes

    path = folder / "practice.db"
    engine = open_database(f"sqlite:///{path}")
    actor = Actor(user_id=None, access_point="bench")
    with unit_of_work(engine) as session:
        clients.create_client(session=session, actor=actor, new=NewClient(code=CLIENT))
        new = NewEpisode(client_code=CLIENT, started_on=date.today())
        episodes.open_episode(session=session, actor=actor, new=new)
    engine.dispose()
    return path


def item_count() -> int:
    """How many items the scale has (the position line says ``Item n of total``)."""
    from hecht.scales.library import load_library

    return len(load_library(None).get(SCALE).items)


def open_entry(tmux: Tmux, name: str) -> None:
    """From the caseload to item 1 of the scale: filter, open the dossier, pick the scale."""
    tmux.wait_for(name, "Code")
    tmux.keys(name, *CLIENT)
    tmux.wait_for(name, CLIENT, times=2)  # typed in the filter, and the client's row
    tmux.keys(name, "Enter")
    tmux.wait_for(name, "Episode since")
    tmux.keys(name, "e")
    tmux.wait_for(name, "Which scale?")
    tmux.keys(name, *SCALE)  # the picker narrows to what is typed
    tmux.wait_for(name, SCALE.upper())
    tmux.keys(name, "Enter")
    tmux.wait_for(name, f"Item 1 of {item_count()}")


def time_answer_keys(tmux: Tmux, name: str, keys: int) -> list[float]:
    """Seconds from typing an answer to item 1 until item 2 shows; Up goes back, untimed."""
    total = item_count()
    times = []
    for index in range(keys):
        start = time.perf_counter()
        tmux.keys(name, str(index % 4))
        times.append(tmux.wait_for(name, f"Item 2 of {total}") - start)
        tmux.keys(name, "Up")
        tmux.wait_for(name, f"Item 1 of {total}")
    return times


def time_echo_keys(tmux: Tmux, name: str, keys: int) -> list[float]:
    """Seconds from typing a key until the minimal app shows it counted."""
    tmux.wait_for(name, "keys: 0")
    times = []
    for index in range(1, keys + 1):
        start = time.perf_counter()
        tmux.keys(name, str(index % 4))
        times.append(tmux.wait_for(name, f"keys: {index} ") - start)
    return times


def time_cat_keys(tmux: Tmux, name: str, keys: int) -> list[float]:
    """Seconds from typing a key until the terminal echoes it (``cat`` reads, tmux shows)."""
    time.sleep(0.5)
    times = []
    for index in range(1, keys + 1):
        start = time.perf_counter()
        tmux.keys(name, "x")
        times.append(tmux.wait(name, lambda screen, n=index: screen.count("x") >= n) - start)
    return times


def echo_app() -> None:
    """The floor: a minimal Textual app showing how many keys it saw and the last one."""
    from textual import events
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Echo(App[None]):
        count = 0

        def compose(self) -> ComposeResult:
            yield Label("keys: 0 ", id="seen")

        def on_key(self, event: events.Key) -> None:
            self.count += 1
            self.query_one("#seen", Label).update(f"keys: {self.count} last: {event.key}")

    Echo().run()


@dataclass(frozen=True)
class KeyLatency:
    """Medians in seconds: Hecht's answer key, the minimal app's key, and ``cat``'s echo."""

    hecht: float
    floor: float
    terminal: float

    def lines(self) -> list[str]:
        """The report, in milliseconds."""
        above = (self.hecht - self.floor) * 1000
        return [
            f"key→visible {self.hecht * 1000:.1f} ms, floor {self.floor * 1000:.1f} ms, "
            f"above floor {above:.1f} ms (goal ≤ {FRAME_MS:.1f})",
            f"(floor: a minimal Textual app in the same tmux; tmux and the terminal alone, "
            f"cat: {self.terminal * 1000:.1f} ms)",
        ]


def measure(keys: int = 40) -> KeyLatency:
    """Run the three loops, each in its own session of one private tmux server."""
    tmux_path = shutil.which("tmux")
    hecht = shutil.which("hecht", path=str(Path(sys.executable).parent))
    if tmux_path is None or hecht is None:
        raise RuntimeError("needs tmux and the installed hecht command")
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config"
        config.mkdir()  # a practitioner already named, as after the first start
        (config / "config.toml").write_text('practitioner = "Bench Typist"\n', encoding="utf-8")
        database = seeded_database(Path(folder))
        env = {"HECHT_CONFIG": str(config), "HECHT_LANG": "en", "TERM": "xterm-256color"}
        tmux = Tmux(tmux_path)
        try:
            tmux.start("hecht", [hecht, "--db", str(database)], env)
            open_entry(tmux, "hecht")
            time_answer_keys(tmux, "hecht", 3)  # warm: the writer thread and first redraws
            hecht_times = time_answer_keys(tmux, "hecht", keys)
            tmux.start("echo", [sys.executable, str(Path(__file__).resolve()), "--echo"], env)
            floor_times = time_echo_keys(tmux, "echo", keys + 3)[3:]
            tmux.start("cat", ["cat"], env)
            cat_times = time_cat_keys(tmux, "cat", keys)
        finally:
            tmux.close()
    return KeyLatency(
        statistics.median(hecht_times), statistics.median(floor_times), statistics.median(cat_times)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40, help="answer keys to time")
    parser.add_argument("--echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo:
        echo_app()
        return
    print("\n".join(measure(args.keys).lines()))


if __name__ == "__main__":
    main()
