"""Provides the subcommands of the ``hecht`` command line, one module per group."""
