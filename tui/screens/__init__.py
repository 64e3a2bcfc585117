"""Provides the full screens of the app: caseload, dossier, item entry and review."""
