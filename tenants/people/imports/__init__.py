"""Bulk imports of employees and customers: a CSV file or an API call in, all or nothing out.

How an import works (the same for a CSV and for ``PUT /api/v1/employees``):

1. Rows are streamed (never all in memory) through ``RowChecker``: headers are matched by
   synonym (English and Spanish), each cell is parsed (email, language, date, yes/no) and the
   first problem of a row is noted. Rows go to a temporary stage table in batches.
2. Set-based SQL on the stage (``aggregates``) finds duplicates in the file, unknown managers and
   missing names of new people, and classifies each good row as new, updated or unchanged.
3. A *preview* stops there and rolls back: nothing is written. A *commit* creates the teams the
   file names, writes every good row with one upsert, optionally deactivates the people missing
   from the file, checks the seat limit, and commits once. Any failure rolls everything back.

Decision (the story's "fixes nothing, commits"): a file with bad rows is never imported silently.
The preview lists every bad row with its line and reason; the commit then needs the admin to
tick "import the N good rows and skip the M rows with problems". It imports all the good rows or
none of them, and the outcome page lists what was skipped. The API has no such confirmation: a
call with any bad item is refused whole (422) with each item's index and reason.

Upsert rules: people are matched by email (case-insensitive). An empty cell (or a column the file
does not have) keeps the stored value; a person present in the file is active again; an import
never clears a customer's "unsubscribed" (only the person can resubscribe). Teams are matched by
name (case- and space-insensitive); missing ones are created with their parents
("Sales > Inside Sales", or a department column plus a team column); existing teams are never
moved by an import (the teams page does that).

The package, one job per module: ``headers`` (which column is which field), ``csvfile`` (reading
an uploaded file), ``cells`` (parsing one cell), ``team_index`` (the teams a file names),
``checks`` (one row in, one stage row out; a problem in words), ``pipeline`` (stage, check,
apply), ``jobs`` (the pages' background import jobs) and ``items`` (the API's all-or-nothing
upsert).
"""
