"""Employees, customers, teams and imports."""
