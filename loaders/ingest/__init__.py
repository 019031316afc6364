"""Ingest: from an upload's bytes to a rejected upload or one accepted, versioned submission,
with the access and store-level checks and what changed since the last version."""
