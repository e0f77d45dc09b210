"""Tenants and how the current one is resolved."""
