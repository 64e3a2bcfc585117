"""The layers: tui above schema above scales; scales pure; no bare layer names imported; mypy."""

from __future__ import annotations

import ast
import fcntl
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
LAYERS = ("scales", "schema", "tui")


LINT = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.exit(lint_imports_command())"
)


def wheel_shaped_copy(into: Path) -> Path:
    # import-linter and mypy cannot see packages mapped by an editable install, so they read a
    # copy laid out the way the wheel lays it out: hecht/<layer>/...
    for layer in LAYERS:
        shutil.copytree(
            ROOT / layer, into / "hecht" / layer, ignore=shutil.ignore_patterns("__pycache__")
        )
    return into


def test_import_linter_contracts_are_kept(tmp_path):
    wheel_shaped_copy(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            LINT,
            "--config",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert f"Contracts: {len(contracts['contracts'])} kept, 0 broken." in done.stdout


def mypy(copy: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    # strict, as [tool.mypy] in pyproject.toml says; a cold cache of its own takes ~10 s
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
        + ["--cache-dir", str(cache), "-p", "hecht"],
        capture_output=True,
        text=True,
        cwd=copy,
    )


def mypy_home(fallback: Path) -> Path:
    """Where mypy keeps its cache and reads its copy: the user's cache folder, outside any
    checkout, so that a fresh clone (as CI makes) finds it warm: half a second instead of ten
    or more. mypy checks each cached module against its source's hash, so a stale entry is
    never believed; ``fallback`` serves where that folder cannot be written."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    home = base / "hecht-tests" / "mypy-wheel-shaped"
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        return fallback
    return home if os.access(home, os.W_OK) else fallback


def test_mypy_finds_no_type_errors(tmp_path):
    # The copy lies at the same place every run; a lock keeps two runs from sharing it at once.
    home = mypy_home(tmp_path)
    with (home / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(home / "copy", ignore_errors=True)
        done = mypy(wheel_shaped_copy(home / "copy"), home / "cache")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_checks_the_copy_it_is_given(tmp_path):
    # the check above can fail: mypy reads the copy, not the installed package
    scales = tmp_path / "copy" / "hecht" / "scales"
    scales.mkdir(parents=True)
    (scales / "__init__.py").write_text("def total() -> int:\n    return 'seven'\n")
    done = mypy(tmp_path / "copy", tmp_path / "cache")
    assert done.returncode == 1
    assert "hecht/scales/__init__.py:2: error: Incompatible return value" in done.stdout


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_imports_a_layer_by_its_bare_folder_name():
    for layer in (*LAYERS, "tests"):
        for path in (ROOT / layer).rglob("*.py"):
            bare = {name for name in imported_modules(path) if name.split(".")[0] in LAYERS}
            assert not bare, f"{path}: import hecht.<layer>, not {bare}"


SQL_BUILDERS = {"text", "select", "insert", "update", "delete", "func", "literal_column", "table"}
"""What builds a statement in SQLAlchemy and SQLModel: storage's work, never the TUI's."""


def test_only_storage_builds_sql():
    """ARCHITECTURE: ``tui`` calls services; a statement written in a screen or a command
    (``PRAGMA quick_check``, a count of clients) is a second source of what storage knows."""
    for path in (ROOT / "tui").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "sqlalchemy", "sqlmodel"
            ):  # fmt: skip
                built = {alias.name for alias in node.names} & SQL_BUILDERS
                assert not built, f"{path}:{node.lineno} imports {sorted(built)} to build SQL"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = node.value.lstrip()  # SQL is written in capitals here, prose is not
                statements = ("SELECT ", "PRAGMA ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ")
                assert not words.startswith((*statements, "WITH ")), (
                    f"{path}:{node.lineno} holds SQL"
                )


def test_the_command_line_starts_without_importing_textual_storage_or_pydantic():
    code = (
        "import sys, click, hecht.tui.cli.main; "
        "from hecht.tui.cli.commands.group import build_group; "
        "from hecht.tui.i18n import Messages; from hecht.tui.config import Config; "
        "group = build_group(Messages('en'), Config(), str); "
        "[group.get_command(click.Context(group), name) for name in group.list_commands(None)]; "
        "print(sorted(m for m in ('textual', 'sqlmodel', 'sqlalchemy', 'pydantic')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_code_is_ruff_clean():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "."],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_code_is_dead():
    # vulture with [tool.vulture] from pyproject.toml; tests/dead_code_allowed.py says why a name
    # that looks unused is not
    done = subprocess.run(
        [sys.executable, "-m", "vulture"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, (
        "unused code (remove it, or say in dead_code_allowed.py why "
        "it is used):\n" + done.stdout + done.stderr
    )


def test_the_dead_code_check_finds_an_unused_function(tmp_path):
    unused = tmp_path / "module.py"
    unused.write_text("def never_called() -> None:\n    pass\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "vulture", str(unused)], capture_output=True, text=True, cwd=ROOT
    )
    assert "never_called" in done.stdout


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && pytest'
        in readme
    )
    assert "grep -m1 -E '^python3 -m venv .venv && .*pytest' README.md" in ci


TEXT_WIDGETS = {"Static", "Label", "DataTable", "OptionList", "SelectionList", "RadioSet"}
"""Textual widgets that read a plain string as markup; screens use ``hecht.tui.widgets.plain``."""


def names_imported_from(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def test_screens_show_text_only_through_widgets_that_never_read_markup():
    # A client's name "[/b]" or a note "[@click=app.quit]" must stay text: only the plain
    # widgets (and the bases they are made from) may use Textual's own text widgets.
    allowed = {ROOT / "tui" / "widgets" / "plain.py"}
    for path in (ROOT / "tui").rglob("*.py"):
        if path in allowed:
            continue
        used = names_imported_from(path, "textual.widgets") & TEXT_WIDGETS
        # naming a widget class in a query or a message handler is fine; building one is not
        built = {name for name in used if f"{name}(" in path.read_text(encoding="utf-8")}
        assert not built, f"{path.relative_to(ROOT)} builds {sorted(built)}: use widgets.plain"
        assert "rich.markup" not in imported_modules(path), f"{path}: escaping is not enough"


def test_every_screen_and_dialog_stands_on_hechts_typed_base():
    # `self.app.backend` typed as Textual's App needs a `type: ignore`; the bases give the
    # backend, the texts and the settings typed (tui/shell/screen_base.py)
    bases = {"Screen", "ModalScreen"}
    for path in (ROOT / "tui").rglob("*.py"):
        if path.name == "screen_base.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            named = {base_name(base) for base in node.bases}
            wrong = named & bases
            assert not wrong, (
                f"{path.relative_to(ROOT)}: {node.name} derives from {sorted(wrong)}: "
                "use HechtScreen or HechtModal"
            )


def base_name(base: ast.expr) -> str:
    """The name of a class's base as written: ``Screen`` of ``Screen[None]`` too."""
    found = base.value if isinstance(base, ast.Subscript) else base
    return found.id if isinstance(found, ast.Name) else ""
