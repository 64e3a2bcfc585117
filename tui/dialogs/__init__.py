"""Provides the modal dialogs: forms, pickers and the alert that must be acknowledged."""
