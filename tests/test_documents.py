"""The documents in the repository point at what exists: every test SECURITY.md, ARCHITECTURE.md
and CONTRIBUTING.md name as the proof of a claim is there, so a claim cannot outlive its test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")
"""A backticked test file, optionally with ``::test_name``."""


def references(document: str) -> list[tuple[str, str | None]]:
    return [(m[1], m[2]) for m in REFERENCE.finditer((ROOT / document).read_text("utf-8"))]


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    return {node.name for node in ast.walk(tree) if isinstance(node, kinds)}


@pytest.mark.parametrize("document", ["SECURITY.md", "ARCHITECTURE.md", "CONTRIBUTING.md"])
def test_every_test_a_document_names_exists(document):
    missing = []
    for file, name in references(document):
        path = ROOT / file
        if not path.is_file():
            missing.append(file)
        elif name is not None and name not in defined_tests(path):
            missing.append(f"{file}::{name}")
    assert not missing, f"{document} names tests that do not exist: {missing}"


def test_security_md_backs_its_claims_with_tests():
    assert len(references("SECURITY.md")) >= 15
