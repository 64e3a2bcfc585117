"""Where the TUI's style rules live: the start parses only what the first frame shows.

``tui/app.tcss`` holds the rules several screens share and the caseload's own; a rule of one other
screen or dialog lives with it (its ``DEFAULT_CSS``), read when it is first shown. A rule kept
with a screen but naming what another screen shows would leave that screen unstyled whenever it
comes first (the help's headings were, before this test).
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import Path

from textual.dom import DOMNode

import hecht.tui

TUI = Path(hecht.tui.__file__).parent
CASELOAD = TUI / "screens" / "caseload.py"


def selector_names(css: str) -> set[tuple[str, str]]:
    """The id (``#``) or class (``.``) that begins each selector of a stylesheet: what decides
    where the rule can apply (``.case-spark.up`` applies to a spark; ``HistoryModal #form`` only
    in that dialog, so a selector that begins with a type names nothing here)."""
    bare = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = re.findall(r"([^{}]+)\{[^}]*\}", bare)
    firsts = (part.split()[0] for group in selectors for part in group.split(",") if part.strip())
    return {
        (found[1], found[2])
        for first in firsts
        if (found := re.match(r"([#.])([a-z][a-z0-9-]*)", first))
    }


@cache
def sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(TUI.rglob("*.py"))}


def users(mark: str, name: str) -> set[Path]:
    """The modules that give a widget this id or class, or look it up."""
    word = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
    if mark == "#":
        patterns = [rf"\bid=[\"']{re.escape(name)}[\"']", rf"[\"'][^\"'\n]*#{word}"]
    else:
        patterns = [
            rf"\bclasses=f?[\"'][^\"'\n]*{word}",
            rf"_class\([^)\n]*[\"']{re.escape(name)}[\"']",
            rf"[\"'][^\"'\n]*\.{word}",
        ]
    return {
        path
        for path, text in sources().items()
        if any(re.search(pattern, text) for pattern in patterns)
    }


def styled_classes() -> list[type[DOMNode]]:
    """Every screen, dialog and widget of Hecht's that carries rules of its own."""
    found = []
    for path in sources():
        module = importlib.import_module(
            "hecht.tui." + ".".join(path.relative_to(TUI).with_suffix("").parts)
        )
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
                and "DEFAULT_CSS" in vars(value)
            ):
                found.append(value)
    return found


def modules_of(cls: type) -> set[Path]:
    """The files of a class and of every subclass of it: where its rules may apply."""
    seen, todo = set(), [cls]
    while todo:
        current = todo.pop()
        seen.add(Path(importlib.import_module(current.__module__).__file__ or ""))
        todo.extend(current.__subclasses__())
    return seen


def test_the_start_parses_only_the_caseloads_rules_and_those_several_screens_share():
    stylesheet = (TUI / "app.tcss").read_text(encoding="utf-8")
    bare = re.sub(r"/\*.*?\*/", "", stylesheet, flags=re.S)
    typed = set(re.findall(r"(?:^|[\s,>])([A-Z]\w*)", re.sub(r"\{[^}]*\}", "", bare)))
    ours = {cls.__name__ for cls in styled_classes()} - {"CaseloadScreen"}
    assert not typed & ours, f"rules of one screen or dialog in app.tcss: {typed & ours}"
    misplaced = {
        f"{mark}{name}: only {', '.join(str(p.relative_to(TUI)) for p in sorted(where))}"
        for mark, name in selector_names(stylesheet)
        if (where := users(mark, name)) and len(where) < 2 and CASELOAD not in where
    }
    unused = {f"{mark}{name}" for mark, name in selector_names(stylesheet) if not users(mark, name)}
    assert not misplaced, f"move these rules into their one screen's DEFAULT_CSS: {misplaced}"
    assert not unused, f"app.tcss styles what no screen shows: {unused}"


def test_a_screens_own_rules_name_only_what_it_or_its_subclasses_show():
    styled = styled_classes()
    assert len(styled) >= 15, "the screens' own rules were not found"
    strays = {}
    for cls in styled:
        allowed = modules_of(cls)
        for mark, name in selector_names(vars(cls)["DEFAULT_CSS"]):
            where = users(mark, name)
            assert where, f"{cls.__name__} styles {mark}{name}, which nothing shows"
            if where - allowed:
                strays[f"{cls.__name__} {mark}{name}"] = sorted(
                    str(p.relative_to(TUI)) for p in where - allowed
                )
    assert not strays, f"shared rules belong in app.tcss: {strays}"
