"""The Dutch and English catalogues say the same things."""

from __future__ import annotations

import ast
import re

from hecht.tui.i18n import catalogue, detect_language, placeholders


def test_both_languages_have_the_same_keys():
    assert set(catalogue("nl")) == set(catalogue("en"))


def test_every_text_has_the_same_placeholders_in_both_languages():
    dutch, english = catalogue("nl"), catalogue("en")
    for key, text in english.items():
        assert placeholders(text) is not None, key  # a stray brace: str.format cannot read it
        assert placeholders(dutch[key]) == placeholders(text), key


def test_language_comes_from_the_flag_then_hecht_lang_then_the_locale(monkeypatch):
    monkeypatch.setenv("HECHT_LANG", "nl")
    assert detect_language("en") == "en"
    assert detect_language(None) == "nl"
    monkeypatch.delenv("HECHT_LANG")
    monkeypatch.setenv("LC_ALL", "nl_NL.UTF-8")
    assert detect_language(None) == "nl"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert detect_language(None) == "en"


def test_every_literal_key_the_code_asks_for_exists():
    import re
    from pathlib import Path

    root = Path(__file__).parents[2] / "tui"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(
            re.findall(r'(?:messages|text)\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8"))
        )
    missing = sorted(key for key in used if key not in catalogue("en"))
    assert not missing


def test_every_singular_has_its_plural_and_every_count_both():
    for language in ("en", "nl"):
        keys = set(catalogue(language))
        for key in keys:
            stem, _, form = key.rpartition(".")
            if form == "one" or (key.startswith("count.") and form == "other"):
                assert {f"{stem}.one", f"{stem}.other"} <= keys, (language, key)


def test_every_count_and_plural_sentence_the_code_asks_for_has_both_forms():
    import re
    from pathlib import Path

    root = Path(__file__).parents[2] / "tui"
    stems = set()
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        stems |= {f"count.{noun}" for noun in re.findall(r'counted\(\s*\w+,\s*"(\w+)"', source)}
        stems |= {f"count.{noun}" for noun in re.findall(r'text\.count\(\s*"(\w+)"', source)}
        stems |= set(re.findall(r'\.count\(\s*[\w.]+,\s*"(count\.\w+)"', source))
        stems |= set(re.findall(r'plural\(\s*(?:[\w.]+,\s*)?"([a-z_.]+)"', source))
    assert len(stems) > 20
    english = catalogue("en")
    missing = sorted(
        f"{stem}.{form}" for stem in stems for form in ("one", "other")
        if f"{stem}.{form}" not in english
    )  # fmt: skip
    assert not missing


def kinds_of_scale_file_problems() -> set[str]:
    """Every kind a problem of a scale file can name: the first argument of ``problem_of`` (or
    the text assigned to the name given there), a ``RuleError``'s second, a ``kind=`` given,
    the examples' differences, and the tables of pydantic's reasons."""
    import ast
    from pathlib import Path

    from hecht.scales.errors import KINDS, LIMITS

    kinds = {f"should_be_{kind}" for kind, _ in KINDS.values()}
    kinds |= {kind for kind, _ in LIMITS.values()}

    def texts(node: ast.expr | None) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return texts(node.body) | texts(node.orelse)
        return set()

    for path in (Path(__file__).parents[2] / "scales").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, set[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                assigned.setdefault(node.targets[0].id, set()).update(texts(node.value))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            argument = {"problem_of": 0, "RuleError": 1, "_scored": 0}.get(name)
            if argument is not None and len(node.args) > argument:
                given = node.args[argument]
                found = texts(given) or assigned.get(getattr(given, "id", ""), set())
                kinds |= found | (
                    {f"{kind}_invalid" for kind in found} if name == "_scored" else set()
                )
            kinds |= {
                text for word in node.keywords if word.arg == "kind" for text in texts(word.value)
            }
        if path.name == "examples.py":
            kinds |= {
                node.value for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and str(node.value).startswith("example_")
            }  # fmt: skip
    return kinds


def test_every_kind_of_scale_file_problem_is_said_in_both_languages():
    kinds = kinds_of_scale_file_problems()
    assert {"toml_syntax", "unknown_key", "range_reversed", "bands_gap", "example_total"} <= kinds
    english = catalogue("en")
    missing = sorted(
        kind for kind in kinds
        if f"scale_file.problem.{kind}" not in english
        and f"scale_file.problem.{kind}.one" not in english
    )  # fmt: skip
    assert not missing


def test_every_reason_of_tomllib_hecht_knows_is_said_in_both_languages():
    from hecht.scales.loader import TOML_REASONS

    english = catalogue("en")
    assert not sorted(
        kind for kind in TOML_REASONS.values() if f"scale_file.toml.{kind}" not in english
    )


def test_every_way_answers_reach_hecht_is_said_in_both_languages():
    # the administration screen says how its answers came in ("filled in by the client")
    from hecht.schema.tables import EntryMode

    english = catalogue("en")
    assert not sorted(mode for mode in EntryMode if f"administration.mode.{mode}" not in english)


ANY = ".+"
PLURAL = ("", "one", "other")


def shapes(node: ast.AST) -> list[str]:
    """The regular expressions a string the code builds can match: its constant parts as they
    are, anything computed (a name, a call) as ``.+``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [re.escape(node.value)]
    if isinstance(node, ast.IfExp):
        return shapes(node.body) + shapes(node.orelse)
    if isinstance(node, ast.JoinedStr):
        found = [""]
        for part in node.values:
            options = shapes(part) if isinstance(part, ast.Constant) else [ANY]
            found = [before + after for before in found for after in options]
        return found
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [left + right for left in shapes(node.left) for right in shapes(node.right)]
    return [ANY]


def test_every_text_of_the_catalogue_is_one_the_code_can_ask_for():
    # a text nothing asks for is still sent to translators (catalogue_po export); keys
    # built from parts (f"storage.{kind}") count for every key of their shape
    from pathlib import Path

    root = Path(__file__).parents[2]
    exact, built = set(), set()
    for layer in ("tui", "schema", "scales"):
        for path in (root / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp | ast.IfExp):
                    for shape in shapes(node):
                        if ANY not in shape:
                            exact.add(re.sub(r"\\(.)", r"\1", shape))
                        elif shape.replace(re.escape("."), "").replace(ANY, "") not in PLURAL:
                            built.add(shape)  # not f"{stem}.one": a plural counts by its stem
    pattern = re.compile("|".join(f"(?:{shape})" for shape in built))

    def asked(key: str) -> bool:
        stem, _, form = key.rpartition(".")
        return any(
            name in exact or pattern.fullmatch(name) is not None
            for name in ((key, stem) if form in PLURAL else (key,))
        )

    assert not [key for key in catalogue("en") if not asked(key)]


def tui_trees() -> list[ast.AST]:
    from pathlib import Path

    root = Path(__file__).parents[2] / "tui"
    return [ast.parse(path.read_text(encoding="utf-8")) for path in root.rglob("*.py")]


def test_every_key_worded_is_an_action_a_screen_binds():
    # keys.* are looked up by a binding's action: a text for an action nothing binds is dead
    from textual.app import App
    from textual.screen import Screen

    actions = {binding.action for owner in (App, Screen) for binding in owner.BINDINGS}
    for tree in tui_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Binding":
                given = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "action")]
                actions |= {arg.value for arg in given if isinstance(arg, ast.Constant)}
    worded = {key.removeprefix("keys.") for key in catalogue("en") if key.startswith("keys.")}
    assert not sorted(worded - actions)


def test_every_help_topic_names_a_screen_or_a_widget_that_exists():
    # F1 finds its text by the screen's class name or the focused widget's id: a rename would
    # silently leave a screen with the general help
    from hecht.tui.dialogs.help import SCREEN_TOPICS, WIDGET_TOPICS

    classes, ids = set(), set()
    for tree in tui_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes.add(node.name)
            elif isinstance(node, ast.keyword) and node.arg == "id":
                if isinstance(node.value, ast.Constant):
                    ids.add(node.value.value)
    assert not sorted(set(SCREEN_TOPICS) - classes)
    assert not sorted(set(WIDGET_TOPICS) - ids)
    english = catalogue("en")
    topics = {*SCREEN_TOPICS.values(), *WIDGET_TOPICS.values(), "form", "general"}
    assert not sorted(topic for topic in topics if f"f1.{topic}" not in english)
