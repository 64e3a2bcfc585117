"""Provides the ``hecht`` command line: the group, its commands, prompts and what they share."""
