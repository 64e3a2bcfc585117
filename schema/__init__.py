"""Provides storage: tables, engine, migrations and the services the screens call."""
