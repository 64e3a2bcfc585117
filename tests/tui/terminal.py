"""The real ``hecht`` in a real terminal: a private tmux server per test, keys sent in bursts.

Pilot presses one key at a time and waits; a person (or a paste) sends many at once. These
helpers start the installed command in its own tmux server (so no other server's environment
leaks in), send a whole burst of keys as the bytes a terminal would send in ONE ``send-keys``
call, and read the screen back.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

TMUX = shutil.which("tmux")
HECHT = shutil.which("hecht", path=str(Path(sys.executable).parent))
T = TypeVar("T")

REPORTER = (
    "import signal, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[2:])\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the child's own\n"
    "# a closed terminal: passed on to the child, as a login shell passes it on to its jobs\n"
    "signal.signal(signal.SIGHUP, lambda *_: child.send_signal(signal.SIGHUP))\n"
    "code = child.wait()\n"
    "open(sys.argv[1], 'w').write(str(code if code >= 0 else 128 - code))\n"
)
"""Runs the program in the pane and writes its exit status to a file: tmux's own record of it
(``pane_dead_status``) is sometimes missing."""

KEYS = {
    "Enter": b"\r",
    "Tab": b"\t",
    "BTab": b"\x1b[Z",
    "Escape": b"\x1b",
    "Backspace": b"\x7f",
    "Up": b"\x1b[A",
    "Down": b"\x1b[B",
    "Right": b"\x1b[C",
    "Left": b"\x1b[D",
    "Space": b" ",
    "F1": b"\x1bOP",
    "F2": b"\x1bOQ",
    "F3": b"\x1bOR",
    "F4": b"\x1bOS",
    "F5": b"\x1b[15~",
    "F6": b"\x1b[17~",
    "F7": b"\x1b[18~",
    "F8": b"\x1b[19~",
}
"""Special keys as an xterm sends them; ``C-x`` for Ctrl+x; anything else is typed as text."""

WINDOW_SIZED = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
"""The environment tmux starts programs in: pytest-xdist's workers hold COLUMNS=80 and LINES=24,
which a program would take for its size whatever the window's (Textual does)."""

_counter = itertools.count()


def _server_name() -> str:
    """A tmux server name no other test and no earlier start in this process has used."""
    return f"hecht-test-{os.getpid()}-{next(_counter)}"


def key_bytes(key: str) -> bytes:
    """The bytes a terminal sends for one key name (``Enter``, ``C-n``) or a piece of text."""
    if key in KEYS:
        return KEYS[key]
    if len(key) == 3 and key.startswith("C-") and key[2].isalpha():
        return bytes([ord(key[2].lower()) - ord("a") + 1])
    return key.encode("utf-8")


class Terminal:
    """One private tmux server running one command in a window of a fixed size."""

    def __init__(self, env: dict[str, str], width: int = 120, height: int = 36) -> None:
        assert TMUX is not None, "tmux is not installed"
        self.server = _server_name()
        self.env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", **env}
        self.width, self.height = width, height

    def _tmux(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.server, "-f", "/dev/null", *arguments],
            capture_output=True, text=True, check=check, env=WINDOW_SIZED,
        )  # fmt: skip

    def start(self, *arguments: str, program: str | None = None) -> None:
        """Start ``hecht ARGUMENTS`` (or another program); the pane stays after it exits.

        Each start has a server of its own: a server just closed may still be exiting, and a new
        session on its socket then fails ("server exited unexpectedly"). One still running from
        an earlier start is stopped first.
        """
        self._tmux("kill-server", check=False)
        self.server = _server_name()
        self.status_file = Path(tempfile.mkdtemp(prefix="hecht-status-")) / "status"
        command = [
            sys.executable, "-c", REPORTER, str(self.status_file),
            program or HECHT or "hecht", *arguments,
        ]  # fmt: skip
        environment = [f"-e{key}={value}" for key, value in self.env.items()]
        self._tmux(
            "new-session", "-d", "-s", "main", "-x", str(self.width), "-y", str(self.height),
            *environment, *command,
        )  # fmt: skip
        self._tmux("set-option", "-t", "main", "remain-on-exit", "on")

    def burst(self, *keys: str) -> None:
        """Send every key in ONE write, with no pause between keys, as a fast typist or a paste."""
        data = b"".join(key_bytes(key) for key in keys)
        self._tmux("send-keys", "-t", "main", "-H", *(f"{byte:02x}" for byte in data))

    def screen(self) -> str:
        """The text on the screen now."""
        return self._tmux("capture-pane", "-t", "main", "-p", check=False).stdout

    def everything(self) -> str:
        """Every line the terminal holds: the scrollback history and the screen."""
        return self._tmux(
            "capture-pane", "-t", "main", "-p", "-S", "-", "-E", "-", check=False
        ).stdout

    def wait_for(
        self,
        wanted: str | Callable[[str], bool],
        timeout: float = 30,
        *,
        every: float = 0.05,
        what: str | None = None,
    ) -> str:
        """Wait until the screen shows ``wanted`` (or satisfies it), reading it every ``every``
        seconds, and return it; fail loudly, saying ``what`` was waited for (or ``wanted``) and
        the screen as last read."""
        test = wanted if callable(wanted) else (lambda shown: wanted in shown)
        last = [""]

        def shows() -> bool:
            last[0] = self.screen()
            return test(last[0])

        said = what or f"the screen showing {wanted!r}"
        eventually(shows, said, timeout, every=every, seen=lambda: f"screen:\n{last[0]}")
        return last[0]

    def wait_for_all(self, texts: Iterable[str], timeout: float = 30) -> str:
        """Wait until the screen shows every one of ``texts``."""
        wanted = list(texts)
        return self.wait_for(lambda shown: all(text in shown for text in wanted), timeout)

    def exit_status(self, timeout: float = 15) -> int:
        """Wait for the program to end; return its exit status (128 + N when signal N ended it)."""
        status = eventually(
            lambda: self.status_file.exists() and self.status_file.read_text(),
            "the program's end",
            timeout,
            every=0.05,
            seen=lambda: f"screen:\n{self.screen()}",
        )
        return int(status)

    def pid(self) -> int:
        """The process id of the program itself (the reporter above it is the pane's process)."""
        pane = self._tmux("display-message", "-p", "-t", "main", "#{pane_pid}").stdout.strip()
        children = subprocess.run(["pgrep", "-P", pane], capture_output=True, text=True)
        return int(children.stdout.split()[0])

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """Send a signal to the program (SIGKILL: no chance to clean up)."""
        os.kill(self.pid(), signum)

    def hang_up(self) -> None:
        """Close the terminal under the program, as closing its window does (SIGHUP)."""
        self._tmux("kill-session", "-t", "main", check=False)

    def close(self) -> None:
        """Stop the server and everything in it."""
        self._tmux("kill-server", check=False)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_exception: object) -> None:
        self.close()


class Started:
    """The terminals a test started on practice files, each closed after it (``close_all``)."""

    def __init__(self) -> None:
        self.terminals: list[Terminal] = []

    def on(self, shown: Terminal, database: Path) -> Terminal:
        """Start ``hecht --db DATABASE`` in ``shown``, to be closed with the others."""
        return self.start(shown, "--db", str(database))

    def start(self, shown: Terminal, *arguments: str, program: str | None = None) -> Terminal:
        """Start ``program`` (the installed ``hecht``) with ``arguments`` in ``shown``, to be
        closed with the others."""
        self.terminals.append(shown)
        shown.start(*arguments, program=program)
        return shown

    def close_all(self) -> None:
        """Stop every terminal the test started."""
        for shown in self.terminals:
            shown.close()


def practitioner_env(folder: Path, language: str = "en") -> dict[str, str]:
    """What ``hecht`` runs with: a practitioner named in a config folder of its own in
    ``folder``, its own cache and data folders, and ``language``."""
    config = folder / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text('practitioner = "Test Psycholoog"\n', encoding="utf-8")
    return {
        "HECHT_CONFIG": str(config),
        "HECHT_CACHE": str(folder / "cache"),
        "HECHT_LANG": language,
        "XDG_DATA_HOME": str(folder / "data"),
    }


def field_shows(screen: str, value: str) -> bool:
    """Whether an input on ``screen`` (in a dialog's frame or not, bordered or compact) holds
    exactly ``value``: a label that mentions it does not count."""
    parts = (part for line in screen.splitlines() for part in line.split("│"))
    return any(part.strip(" ▊▎") == value for part in parts)


def zombie_status(pid: int) -> int | None:
    """The exit status of a process that ended but was not reaped yet; None for any other."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    if fields[0] != "Z":
        return None
    waited = int(fields[-1])  # exit_code: the status as waitpid reports it
    return os.waitstatus_to_exitcode(waited) if os.WIFEXITED(waited) else 128 + (waited & 0x7F)


def eventually(
    check: Callable[[], T],
    what: str,
    timeout: float = 30,
    *,
    every: float | None = None,
    seen: Callable[[], str] | None = None,
) -> T:
    """Wait until ``check()`` returns something true (e.g. a row is stored) and return that; fail
    loudly when it never does, saying ``what`` was waited for and what was ``seen`` then.

    Asked again every ``every`` seconds or, by default, at growing intervals: a check that reads
    the database takes its write lock (a unit of work), which the program under test then waits
    for.
    """
    deadline, pause = time.monotonic() + timeout, every or 0.02
    while not (found := check()):
        if time.monotonic() > deadline:
            also = f"; {seen()}" if seen else ""
            raise AssertionError(f"{what} did not happen within {timeout} s{also}")
        time.sleep(pause)
        if every is None:
            pause = min(pause * 1.5, 0.25)
    return found
