"""Scoring: the maturity model, its statistics and the anonymity engine.

Pure functions over numbers: no Flask, no database session. ``aggregates`` (the SQL
that feeds these functions) is the only module here that touches the database.
"""
