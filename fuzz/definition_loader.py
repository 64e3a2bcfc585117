"""Provides an atheris (libFuzzer) target for the scale definition loader; not part of the suite.

Every input is treated as the bytes of a file in the practice's local scales folder: read as
TOML within the limits, then validated as a definition (examples scored) or a wording overlay.
The loader may only refuse it with a DefinitionError; any other exception is a crash, and an
input slower than libFuzzer's ``-timeout`` is a hang. Run it as the README's "Fuzzing" says:

    pip install atheris
    python fuzz/definition_loader.py -max_total_time=1800 -timeout=1 fuzz/corpus scales/definitions
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from hecht.scales.library import check_overlay, load_library
    from hecht.scales.loader import (
        definition_from_data,
        is_overlay,
        overlay_from_data,
        parse_toml,
    )
    from hecht.scales.problems import DefinitionError

PATH = Path("local/fuzzed.toml")
LIBRARY = load_library(None)


def check_refusal(error: DefinitionError) -> None:
    """A refusal names the file, and every problem says what is wrong."""
    if error.path != PATH or not error.problems:
        raise AssertionError(f"a refusal without file or problems: {error!r}")
    for problem in error.problems:
        if not problem.what.strip():
            raise AssertionError(f"a problem without a reason: {problem!r}")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris documents
    """Load one input as a local definition or overlay file."""
    try:
        parsed = parse_toml(PATH, data)
        if is_overlay(parsed):
            check_overlay(LIBRARY, overlay_from_data(PATH, parsed))
        else:
            definition_from_data(PATH, parsed)
    except DefinitionError as error:
        check_refusal(error)


def main() -> None:
    """Start libFuzzer with the command line's options, corpus and seed folders."""
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
