"""Provides click's own phrases ("Usage:", "No such option", …) in the user's language.

click words its messages through ``gettext``; the catalogues hold each phrase under a
``click.*`` key, the English entry being click's own text, so a phrase is looked up by its
English wording. A phrase the catalogues lack stays as click wrote it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from hecht.tui.i18n import Messages, catalogue

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.termui",
    "click.utils",
)


def translator(messages: Messages) -> Callable[[str], str]:
    """Return gettext's ``gettext`` for click, answering in the language of ``messages``."""
    keys = {text: key for key, text in catalogue("en").items() if key.startswith("click.")}

    def translate(text: str) -> str:
        key = keys.get(text)
        return text if key is None else messages.get(key, text)

    return translate


def speak(messages: Messages) -> None:
    """Make click word its messages in the language of ``messages``."""
    translate = translator(messages)

    def plural(singular: str, plural_text: str, count: int) -> str:
        from hecht.tui.views.formatting import formatter  # when click counts: off the start path

        one = formatter(messages.language).plural_form(count) == "one"
        return translate(singular if one else plural_text)

    # the modules' own gettext names, replaced where a module has them
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        for gettext_name, function in (("_", translate), ("ngettext", plural)):
            if hasattr(module, gettext_name):
                setattr(module, gettext_name, function)
