"""Provides the scale library: built-in definitions, then the practice's own scales and wording."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from hecht.scales.loader import (
    definition_from_data,
    is_overlay,
    overlay_from_data,
    parse_toml,
    read_content,
)
from hecht.scales.model import ScaleDefinition
from hecht.scales.overlay import WordingOverlay, apply_overlay, overlay_problems
from hecht.scales.problems import DefinitionError, Problem, problem_of
from hecht.scales.sources import BUILTIN_DIR, toml_files


class Origin(StrEnum):
    """Where a definition came from."""

    BUILTIN = "built-in"
    LOCAL = "local"


@dataclass(frozen=True)
class LibraryEntry:
    """One definition in the library, with its origin and any wording overlay applied."""

    definition: ScaleDefinition
    origin: Origin
    path: Path
    wording_source: str | None = None


@dataclass(frozen=True)
class Refusal:
    """One reason a file was kept out of the library: the file, where in it, what, the fix."""

    path: Path
    problem: Problem

    @property
    def where(self) -> str:
        """Where in the file (a key path, a line), in English."""
        return self.problem.where

    @property
    def what(self) -> str:
        """What is wrong, in English."""
        return self.problem.what

    @property
    def fix(self) -> str:
        """How to fix it, in English."""
        return self.problem.fix

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


class UnknownScaleError(KeyError):
    """No definition has the requested id, or the scale has no such version.

    Attributes:
        known: every scale id in the library.
        versions: the versions of this scale there are (empty when the id itself is unknown).
    """

    def __init__(
        self, scale_id: str, version: str | None, known: list[str], versions: list[str]
    ) -> None:
        self.scale_id, self.version, self.known, self.versions = scale_id, version, known, versions
        super().__init__(scale_id)

    def __str__(self) -> str:
        if self.versions:
            return (
                f"scale '{self.scale_id}' is known, but version '{self.version}' is not; "
                f"its versions: {', '.join(self.versions)}"
            )
        return f"unknown scale '{self.scale_id}'; known: {', '.join(self.known)}"


def version_key(version: str) -> tuple[int, ...]:
    """Order versions numerically, so 1.10 comes after 1.9."""
    return tuple(int(part) for part in version.split("."))


@dataclass
class ScaleLibrary:
    """Every usable definition by (id, version), and the files that were refused."""

    entries: dict[tuple[str, str], LibraryEntry] = field(default_factory=dict)
    refused: list[DefinitionError] = field(default_factory=list)

    def ids(self) -> list[str]:
        """Return the scale ids, sorted."""
        return sorted({scale_id for scale_id, _ in self.entries})

    def latest(self) -> list[LibraryEntry]:
        """Return the newest version of every scale, sorted by id."""
        return [self.entry(scale_id) for scale_id in self.ids()]

    def entry(self, scale_id: str, version: str | None = None) -> LibraryEntry:
        """Return a scale's entry: the given version, or the newest.

        Raises:
            UnknownScaleError: no such scale or version.
        """
        named = None if version is None else self.entries.get((scale_id.lower(), version))
        if named is not None:  # the common case, a stored form's own version: no search
            return named
        versions = sorted((v for (i, v) in self.entries if i == scale_id.lower()), key=version_key)
        if version is not None and version not in versions or not versions:
            raise UnknownScaleError(scale_id, version, self.ids(), versions)
        chosen = version or max(versions, key=version_key)
        return self.entries[(scale_id.lower(), chosen)]

    def get(self, scale_id: str, version: str | None = None) -> ScaleDefinition:
        """Return a scale's definition: the given version, or the newest."""
        return self.entry(scale_id, version).definition

    def refusals(self) -> list[Refusal]:
        """Every problem of every refused file, in load order: what a screen lists."""
        return [
            Refusal(error.path, problem) for error in self.refused for problem in error.problems
        ]


def unexpected_failure(path: Path, error: Exception) -> DefinitionError:
    """A file whose check failed in a way the checks did not foresee: refused, never fatal."""
    return DefinitionError(
        path,
        [
            Problem(
                "",
                f"the file could not be checked ({type(error).__name__})",
                "run 'hecht scales validate' on it, and report the file to Hecht's developers",
                kind="not_checked",
                values={"error": type(error).__name__},
            )
        ],
    )


Checked = ScaleDefinition | WordingOverlay | tuple[Problem, ...]


@lru_cache(maxsize=256)
def _checked(path: Path, content: bytes, strict: bool) -> Checked:
    """A file's definition or overlay, or the problems that refuse it, checked once per content.

    Checking parses the TOML, validates every table and scores the worked examples: a tenth of
    a second for the built-ins, paid by every command and every library a screen loads. The
    outcome depends on the path (named in problems), the bytes and ``strict`` alone, and the
    models are frozen, so a library may share them; an edited file has other bytes and is
    checked anew.
    """
    try:
        data = parse_toml(path, content)
        if is_overlay(data):
            return overlay_from_data(path, data)
        return definition_from_data(path, data, strict=strict)
    except DefinitionError as error:
        return tuple(error.problems)


def _add_file(
    library: ScaleLibrary, path: Path, origin: Origin, strict: bool
) -> WordingOverlay | None:
    """Add one definition file, or return its overlay for the second pass."""
    checked = _checked(path, read_content(path), strict)
    if isinstance(checked, tuple):
        raise DefinitionError(path, list(checked))
    if isinstance(checked, WordingOverlay):
        return checked
    definition = checked
    taken = version_taken(library, definition, path)
    if taken is not None:
        raise DefinitionError(path, [taken])
    key = (definition.id, definition.version)
    library.entries[key] = LibraryEntry(definition, origin, path)
    return None


def version_taken(library: ScaleLibrary, definition: ScaleDefinition, path: Path) -> Problem | None:
    """The problem of a definition whose id and version another file of the library has (a
    copy of a built-in scale, say): it is not loaded, so ``hecht scales validate`` says so too.
    The library's own entry for this very file is no clash."""
    entry = library.entries.get((definition.id, definition.version))
    if entry is None or _same_path(entry.path, path):
        return None
    return problem_of(
        "version_taken",
        "version",
        f"{definition.id} version {definition.version} already comes from {entry.path}",
        "give your definition a new id, or a higher version",
        scale=definition.id,
        version=definition.version,
        other=entry.path,
    )


def _same_path(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return first == second


def _add_definitions(
    library: ScaleLibrary, files: list[Path], origin: Origin, strict: bool
) -> list[tuple[Path, WordingOverlay]]:
    """Load the definitions among ``files``; return the overlays for a second pass.

    A file that cannot be used is refused with its problems; whatever goes wrong with one file
    never keeps the others (the built-ins above all) from loading.
    """
    overlays: list[tuple[Path, WordingOverlay]] = []
    for path in files:
        try:
            overlay = _add_file(library, path, origin, strict)
        except DefinitionError as error:
            library.refused.append(error)
        except Exception as error:  # one bad file must not break the library
            library.refused.append(unexpected_failure(path, error))
        else:
            if overlay is not None:
                overlays.append((path, overlay))
    return overlays


def check_overlay(library: ScaleLibrary, overlay: WordingOverlay) -> list[Problem]:
    """Return what keeps an overlay from applying: an unknown scale, item or code."""
    entry = library.entries.get((overlay.overlay, overlay.version))
    if entry is None:
        known = ", ".join(f"{scale} {version}" for scale, version in sorted(library.entries))
        return [
            problem_of(
                "overlay_no_scale",
                "overlay",
                f"there is no scale '{overlay.overlay}' version {overlay.version}",
                f"use one of: {known}",
                scale=overlay.overlay,
                version=overlay.version,
                known=known,
            )
        ]
    return overlay_problems(entry.definition, overlay)


def _apply_overlays(library: ScaleLibrary, overlays: list[tuple[Path, WordingOverlay]]) -> None:
    for path, overlay in overlays:
        try:
            problems = check_overlay(library, overlay)
            if problems:
                library.refused.append(DefinitionError(path, problems))
                continue
            key = (overlay.overlay, overlay.version)
            entry = library.entries[key]
            worded = apply_overlay(entry.definition, overlay)
        except Exception as error:  # one bad overlay must not break the library
            library.refused.append(unexpected_failure(path, error))
            continue
        library.entries[key] = LibraryEntry(worded, entry.origin, entry.path, overlay.source)


def _local_files(library: ScaleLibrary, local_dir: Path | None) -> list[Path]:
    """The local folder's files; a folder that cannot be read is refused, not fatal."""
    try:
        return toml_files(local_dir)
    except OSError as error:
        assert local_dir is not None
        reason = str(error.strerror)
        what, fix = f"cannot read the folder ({reason})", "check its permissions"
        problem = Problem("", what, fix, kind="folder_unreadable", values={"reason": reason})
        library.refused.append(DefinitionError(local_dir, [problem]))
        return []


def load_library(local_dir: Path | None = None, *, strict: bool = True) -> ScaleLibrary:
    """Load the built-in definitions, then the local folder's definitions and wording overlays.

    Files that fail validation are kept out of the library and listed in ``refused``, so one
    broken local file never hides the rest. Never raises for a file's content: a screen or
    command shows ``refusals()`` (file, field, reason, fix) and goes on with what loaded.
    """
    library = ScaleLibrary()
    overlays = _add_definitions(library, toml_files(BUILTIN_DIR), Origin.BUILTIN, strict)
    overlays += _add_definitions(library, _local_files(library, local_dir), Origin.LOCAL, strict)
    _apply_overlays(library, overlays)
    return library
