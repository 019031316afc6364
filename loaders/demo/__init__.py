"""Illustrative demo returns: the seeded plan, the files written in our own templates, and
building a demo database through the real ingest."""
