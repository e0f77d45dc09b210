"""Scoring: the maturity model, its statistics and the anonymity engine.

``stats``, ``model`` and ``anonymity`` are pure functions over numbers: no Flask, no
database session. ``models`` (the rollup table) and ``aggregates`` (the SQL that feeds
these functions) are the only modules here that touch the database.
"""
