"""Provides the presentation layer: the Textual app, prompts and the ``hecht`` command line."""
