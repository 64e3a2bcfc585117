"""Maps the top-level layer folders into the single ``hecht`` import namespace."""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages, setup

LAYERS = ("scales", "schema", "tui")
HERE = Path(__file__).parent


def mapped_packages() -> dict[str, str]:
    """Return ``hecht.<layer>.<sub>`` -> folder for every package below the layer folders."""
    mapping: dict[str, str] = {}
    for layer in LAYERS:
        subpackages = find_packages(str(HERE / layer))
        for package in (layer, *(f"{layer}.{sub}" for sub in subpackages)):
            mapping[f"hecht.{package}"] = package.replace(".", "/")
    return mapping


PACKAGE_DIR = mapped_packages()

setup(packages=sorted(PACKAGE_DIR), package_dir=PACKAGE_DIR)
