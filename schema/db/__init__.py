"""Provides the database itself: engine, opening, migrations, encryption, plain SQL."""
