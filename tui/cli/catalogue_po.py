"""Provides the message catalogues as gettext PO files, for translators' tools, and back.

Hecht reads its catalogues as TOML (``tui/messages/*.toml``) because one regular expression reads
them on the way to the first frame. Translators work in PO editors (Poedit, Weblate, Lokalize):

    python -m hecht.tui.cli.catalogue_po export nl hecht-nl.po     # write a PO file to translate
    python -m hecht.tui.cli.catalogue_po import hecht-nl.po         # take the translation back

Each message is one PO entry: the key as its context (``msgctxt``), the English text as its
source (``msgid``) and the language's text as its translation (``msgstr``); a translation that
is empty or fuzzy is left out, so the catalogue keeps its text. Importing writes the TOML
catalogue in place (comments and order kept) after checking that every key is Hecht's and every
translation has the source's ``{placeholders}``; one bad entry refuses the whole file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from hecht.tui.cli.errors import UsageError
from hecht.tui.i18n import CATALOGUE_DIR, catalogue, placeholders


class CatalogueError(ValueError):
    """A PO file that cannot be taken back: the entries that are wrong, each with why."""


def export_po(language: str, target: Path) -> int:
    """Write the language's catalogue as a PO file against English; return the entry count.

    The target is checked as every output Hecht writes is: never a database (of any name), a
    folder or a missing folder; an earlier PO file is replaced.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from hecht.tui.cli.output import guard_output
    from hecht.tui.i18n import Messages

    guard_output(target, None, Messages("en"), force=True)

    english, translated = catalogue("en"), catalogue(language)
    found = Catalog(locale=language, project="Hecht", fuzzy=False)
    for key, source in english.items():
        found.add(source, string=translated.get(key, ""), context=key)
    with target.open("wb") as stream:
        write_po(stream, found, width=0, sort_output=False)
    return len(english)


def import_po(source: Path) -> tuple[str, int]:
    """Take a translated PO file back into its TOML catalogue; return the language and how many
    texts changed. Nothing is written when any entry is wrong (``CatalogueError``)."""
    import tomlkit
    from babel.messages.pofile import read_po

    with source.open("rb") as stream:
        read = read_po(stream)
    language = str(read.locale) if read.locale else ""
    path = CATALOGUE_DIR / f"{language}.toml"
    if not path.is_file():
        raise CatalogueError(f"{source}: its language '{language}' has no catalogue in Hecht")
    english = catalogue("en")
    problems: list[str] = []
    texts: dict[str, str] = {}
    for message in read:
        key = message.context
        if not message.id or message.fuzzy or not message.string:
            continue
        if key not in english:
            problems.append(f"line {message.lineno}: '{key}' is not a key of Hecht's catalogue")
            continue
        wanted = placeholders(english[key]) or set()
        given = placeholders(str(message.string))
        if given != wanted:
            found = "a stray { or }" if given is None else sorted(given) or "none"
            problems.append(
                f"line {message.lineno}: '{key}' must have the placeholders "
                f"{sorted(wanted) or 'none'}, not {found}"
            )
            continue
        texts[key] = str(message.string)
    if problems:
        raise CatalogueError(f"{source}: nothing was taken back:\n  " + "\n  ".join(problems))
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    changed = 0
    for key, text in texts.items():
        if document.get(key) != text:
            document[key] = text
            changed += 1
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return language, changed


def main(arguments: Sequence[str]) -> int:
    """``export LANGUAGE FILE.po`` or ``import FILE.po``; exit 2 with the reason when refused."""
    try:
        if len(arguments) == 3 and arguments[0] == "export":
            count = export_po(arguments[1], Path(arguments[2]))
            print(f"{arguments[2]}: {count} messages")
            return 0
        if len(arguments) == 2 and arguments[0] == "import":
            language, changed = import_po(Path(arguments[1]))
            print(f"{language}.toml: {changed} texts changed")
            return 0
    except (CatalogueError, UsageError, OSError) as error:
        print(error, file=sys.stderr)
        return 2
    print("usage: python -m hecht.tui.cli.catalogue_po export LANGUAGE FILE.po | import FILE.po")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
