"""Provides what leaves or enters Hecht: backups, JSON, CSV and FHIR, and the files they go to."""
