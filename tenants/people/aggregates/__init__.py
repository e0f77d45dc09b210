"""Set-based SQL for bulk imports: the only raw SQL of the people area.

An import (a CSV or an API call) is streamed into a temporary *stage* table on the session's
connection, checked there with a few set-based statements (duplicates, unknown managers, what is
new, updated or unchanged) and written with one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``.
The stage lives inside the caller's transaction: a preview rolls it back, a commit drops it before
committing. Every public function takes ``tenant_id`` explicitly and filters the tenant's tables
with it (the stage holds one import of one tenant).

Written with SQLAlchemy Core so the same code runs on SQLite (>= 3.24 for upserts) and PostgreSQL.

``stage`` owns the stage table and its life (create, fill, drop), ``findings`` what the stage says
(problems, counts, the teams to create) and ``writes`` what a commit changes (the upsert, the
deactivation of the missing, the seat count).
"""
