"""Turn return files into checked rows plus issues, and write accepted files to the store.

In rooms, lowest first: ``returns``, ``reference``, ``safety``, ``ingest``, ``templates``, ``demo``.
A room imports only the rooms before it (README, "Inside loaders/").
"""
