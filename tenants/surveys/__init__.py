"""Surveys: the question library and responses."""
