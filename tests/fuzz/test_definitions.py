"""Fuzzing the definition loader: mutated built-in definitions are loaded or refused, never crash.

Each case starts from a shipped definition (as parsed data, or as TOML text) and mutates it:
values of other types, huge and non-finite numbers, Unicode digits and text, missing and extra
keys, grown and emptied lists, deep nesting, ids swapped between places (subscales naming
subscales, rules naming rules). Whatever comes out, loading it either gives a definition or
raises DefinitionError naming the file and, for every problem, where it is and what is wrong.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from hecht.scales.library import check_overlay, load_library
from hecht.scales.loader import definition_from_data, is_overlay, overlay_from_data, parse_toml
from hecht.scales.problems import DefinitionError
from hecht.scales.scoring import score
from hecht.scales.sources import BUILTIN_DIR, toml_files

pytestmark = pytest.mark.fuzz

FILES = toml_files(BUILTIN_DIR)
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in FILES}
DATA = {name: tomllib.loads(text) for name, text in TEXTS.items()}
LIBRARY = load_library(None)
PATH = Path("local/fuzzed.toml")

DICT_CASES = 3_000
TEXT_CASES = 2_000
OVERLAY_CASES = 500
LIBRARY_CASES = 25

TRICKY_TEXT = [
    "",
    " ",
    "\u0663",  # Arabic-Indic three
    "\uff13",  # full-width three
    "1\u0660",
    "\u200b",
    "\u202eevil",
    "[b]bold[/b]",
    "[@click=app.quit]x[/]",
    "a" * 41,
    "x" * 200_000,
    "0,0,0",
    "1e0",
    "1_0",
    "nan",
    "-1",
    "99",
    "100",
    "\x00",
    "\ud7ff",
    "1.2.3",
    "phq9",
    "self_harm",
]

NUMBERS = [0, -1, 1, 99, 100, 2**63, 10**30, -(10**30), 1e308, -1e308, 5e-324, -0.0, 0.001]
NUMBERS += [float("nan"), float("inf"), float("-inf")]


def nested(depth: int, as_list: bool) -> Any:
    """A value nested ``depth`` levels deep in lists or tables."""
    value: Any = 1
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


VALUES = st.one_of(
    st.sampled_from(TRICKY_TEXT),
    st.sampled_from(NUMBERS),
    st.booleans(),
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.one_of(st.integers(-2, 5), st.sampled_from(TRICKY_TEXT[:8])), max_size=6),
    st.dictionaries(st.sampled_from(["id", "nl", "en", "code", "x", "\u0663"]), st.integers(0, 3)),
    st.builds(nested, st.integers(1, 120), st.booleans()),
)

KEYS = st.one_of(
    st.sampled_from(["extra", "Id", "itéms", "\u0663", "", "code", "score", "reverse", "[key]"]),
    st.text(max_size=8),
)

MUTATION = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, 10_000), VALUES),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.none()),
    st.tuples(st.just("add"), st.integers(0, 10_000), st.tuples(KEYS, VALUES)),
    st.tuples(st.just("grow"), st.integers(0, 10_000), st.integers(2, 300)),
    st.tuples(st.just("empty"), st.integers(0, 10_000), st.none()),
    st.tuples(st.just("swap"), st.integers(0, 10_000), st.integers(0, 10_000)),
)


def nodes(data: Any) -> list[tuple[Any, Any, Any]]:
    """Every (parent, key, value) under data, parents before children, without recursion."""
    found: list[tuple[Any, Any, Any]] = []
    pending = [data]
    while pending:
        node = pending.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(children):
            found.append((node, key, value))
            if isinstance(value, dict | list) and len(found) < 20_000:
                pending.append(value)
    return found


def mutate(data: dict[str, Any], kind: str, where: int, payload: Any) -> None:
    """Apply one mutation at the ``where``-th node (modulo the number of nodes)."""
    found = nodes(data)
    if not found:
        return
    parent, key, value = found[where % len(found)]
    if kind == "replace":
        parent[key] = copy.deepcopy(payload)
    elif kind == "delete":
        del parent[key]
    elif kind == "add" and isinstance(value, dict):
        value[payload[0]] = copy.deepcopy(payload[1])
    elif kind == "grow" and isinstance(value, list):
        parent[key] = [copy.deepcopy(element) for element in value] * payload
    elif kind == "empty" and isinstance(value, dict | list):
        value.clear()
    elif kind == "swap":
        strings = [(p, k) for p, k, v in found if isinstance(v, str)]
        if strings:  # an id, label or answer string put where another string belongs
            source_parent, source_key = strings[payload % len(strings)]
            parent[key] = source_parent[source_key]


def assert_refusal_is_specific(error: DefinitionError, path: Path, *, from_text: bool) -> None:
    """A refusal names the file; each problem says where (or on which line) and what."""
    assert error.path == path
    assert error.problems, "a refusal without a problem"
    for problem in error.problems:
        assert problem.what.strip(), f"a problem without a reason: {problem!r}"
        located = problem.where.strip() or (from_text and "line" in problem.what)
        file_level = problem.what.startswith(("the file is", "tables or arrays are nested"))
        assert located or file_level, f"a problem without a place: {problem!r}"
        assert len(str(problem)) < 2_000, "a problem message too long to read"


def load_or_refuse(data: Any, *, from_text: bool = False) -> None:
    """Load data as its kind (definition or overlay); check what a refusal says."""
    try:
        if isinstance(data, dict) and is_overlay(data):
            overlay = overlay_from_data(PATH, data)
            check_overlay(LIBRARY, overlay)
            return
        definition = definition_from_data(PATH, data)
    except DefinitionError as error:
        assert_refusal_is_specific(error, PATH, from_text=from_text)
        return
    for item in definition.items:  # an accepted definition scores an empty sheet
        definition.option_set(item)
    score(definition, {})


def mutated_definition(case: tuple[str, list[tuple[str, int, Any]]]) -> None:
    name, mutations = case
    data = copy.deepcopy(DATA[name])
    for kind, where, payload in mutations:
        mutate(data, kind, where, payload)
    load_or_refuse(data)


DEFINITION_CASES = st.tuples(
    st.sampled_from(sorted(DATA)), st.lists(MUTATION, min_size=1, max_size=4)
)

TEXT_INSERTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "[" * 400,
            "{ a = " * 400,
            "a" + ".a" * 5_000 + " = 1\n",
            "x" + ".y" * 20 + " = 1\n",
            "\nx = " + "9" * 5_000 + "\n",
            '"""',
            "'''",
            "'",
            '"',
            "\\",
            "\x00",
            "\ufeff",
            "\u0663",
            "\n[[items]]\n",
            "\n[[subscales]]\nid = 'x'\nitems = ['x']\n",
            "= =",
            "\n[scoring]\nmethod = 'mean'\n",
            " nan",
            " inf",
            " 1e999",
            "\nnotes = '" + "x" * 30_000 + "'\n",
        ]
    ),
)

TEXT_EDIT = st.tuples(
    st.sampled_from(["insert", "delete", "duplicate", "digits", "truncate"]),
    st.integers(0, 20_000),
    st.integers(1, 400),
    TEXT_INSERTS,
)


def edit_text(text: str, kind: str, where: int, size: int, insert: str) -> str:
    """Apply one edit to TOML text at a position taken modulo its length."""
    at = where % (len(text) + 1)
    if kind == "insert":
        return text[:at] + insert + text[at:]
    if kind == "delete":
        return text[:at] + text[at + size :]
    if kind == "duplicate":
        return text[:at] + text[at : at + size] * 50 + text[at:]
    if kind == "digits":
        span = text[at : at + size].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        return text[:at] + span + text[at + size :]
    return text[:at]


def mutated_text(case: tuple[str, list[tuple[str, int, int, str]], bool]) -> None:
    name, edits, broken_utf8 = case
    text = TEXTS[name]
    for kind, where, size, insert in edits:
        text = edit_text(text, kind, where, size, insert)
    content = text.encode("utf-8", errors="surrogatepass")
    if broken_utf8:
        content = content[: len(content) // 2] + b"\xff\xfe" + content[len(content) // 2 :]
    try:
        data = parse_toml(PATH, content)
    except DefinitionError as error:
        assert_refusal_is_specific(error, PATH, from_text=True)
        return
    load_or_refuse(data, from_text=True)


TEXT_CASES_STRATEGY = st.tuples(
    st.sampled_from(sorted(TEXTS)), st.lists(TEXT_EDIT, min_size=1, max_size=3), st.booleans()
)

OVERLAY = {
    "overlay": "epds",
    "version": "1",
    "source": "Dutch EPDS, used under the practice's licence",
    "instructions": {"nl": "Kies het antwoord dat het best past."},
    "items": [
        {
            "id": "1",
            "text": {"nl": "Ik kon lachen"},
            "options": {"0": {"nl": "zo veel als altijd"}},
        },
        {"id": "10", "text": {"nl": "Gedachten"}, "options": {"3": {"nl": "vaak"}}},
    ],
}


def mutated_overlay(mutations: list[tuple[str, int, Any]]) -> None:
    data = copy.deepcopy(OVERLAY)
    for kind, where, payload in mutations:
        mutate(data, kind, where, payload)
    load_or_refuse(data)


def test_mutated_definitions_are_loaded_or_refused_with_file_field_and_reason(fuzz):
    fuzz(DEFINITION_CASES, mutated_definition, DICT_CASES)


def test_mutated_definition_files_are_loaded_or_refused_with_file_line_and_reason(fuzz):
    fuzz(TEXT_CASES_STRATEGY, mutated_text, TEXT_CASES)


def test_mutated_wording_overlays_are_applied_or_refused_with_file_field_and_reason(fuzz):
    fuzz(st.lists(MUTATION, min_size=1, max_size=4), mutated_overlay, OVERLAY_CASES)


def mutated_local_folder(case: tuple[str, list[tuple[str, int, int, str]], bool]) -> None:
    import tempfile

    name, edits, _ = case
    text = TEXTS[name].replace(f'id = "{DATA[name]["id"]}"', 'id = "local_copy"', 1)
    for kind, where, size, insert in edits:
        text = edit_text(text, kind, where, size, insert)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "local.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        library = load_library(Path(folder))
    assert {path.name for path in FILES} <= {entry.path.name for entry in library.latest()} | {
        entry.path.name for entry in library.entries.values()
    }
    for refusal in library.refusals():
        assert refusal.path.name == "local.toml" and refusal.what


def test_a_mutated_local_file_never_keeps_the_builtins_from_loading(fuzz):
    fuzz(TEXT_CASES_STRATEGY, mutated_local_folder, LIBRARY_CASES)


@pytest.mark.long
def test_long_run_of_mutated_definitions(fuzz, long_examples):
    fuzz(DEFINITION_CASES, mutated_definition, long_examples)


@pytest.mark.long
def test_long_run_of_mutated_definition_files(fuzz, long_examples):
    fuzz(TEXT_CASES_STRATEGY, mutated_text, long_examples)
