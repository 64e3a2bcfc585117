"""Provides what screens and commands show, as text and plain data: no widgets here."""
