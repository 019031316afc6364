"""Exports: marked chart images, safe data files and briefing packs (CLI: ``python -m exports``).

Every export carries the protective marking, the operation, the as-at date and the data version
(in the file name and inside the file), and writes one audit row.
"""
