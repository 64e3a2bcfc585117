"""Provides FHIR R4 export and import: pure builders of resources, and their storage."""
