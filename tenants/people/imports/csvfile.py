"""Reading an uploaded CSV file: its encoding, its separator, its header and a stream of rows
(never all in memory)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from tenants.people.imports.headers import kind_of, map_headers, normalize_header
from tenants.people.service import PeopleError


class ImportFileError(PeopleError):
    """The file cannot be read as a table of people (no email column, not text, empty...)."""


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or else Windows-1252 (Excel on Windows)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        else:
            encoding = "utf-8"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := handle.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return encoding


def detect_delimiter(header_line: str) -> str:
    """The separator the header line uses most: semicolon, comma, tab or pipe."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class CsvSource:
    """An open CSV: its column mapping and a stream of (line, cells by field)."""

    columns: dict[str, str]  # field → header as written
    ignored: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    close: Callable[[], None]

    @property
    def day_first(self) -> bool | None:
        """True when the date column has a Spanish header (so dates are day first)."""
        header = normalize_header(self.columns.get("start_date", ""))
        return True if header.startswith(("fecha", "alta", "incorporacion")) else None


class WrongKindError(ImportFileError):
    """A customers file uploaded as employees, or the other way round."""


def _refuse_other_kind(kind: str, headers: list[str]) -> None:
    """A customers file uploaded as employees (or the other way round) is refused by name."""
    shown, telling = kind_of(headers)
    if shown is None or shown == kind:
        return
    columns = ", ".join(telling)
    if shown == "customers":
        message = _(
            "This looks like a customers file (it has the columns %(columns)s), but "
            "“Employees” is selected. Nothing was imported: choose “Customers”, or upload "
            "your employees file.",
            columns=columns,
        )
    else:
        message = _(
            "This looks like an employees file (it has the columns %(columns)s), but "
            "“Customers” is selected. Nothing was imported: choose “Employees”, or upload "
            "your customers file.",
            columns=columns,
        )
    raise WrongKindError(message)


def check_kind(path: Path, kind: str) -> None:
    """At upload: refuse a file of the other kind at once. Other problems with the file are
    reported by the preview, with the rest of what it finds."""
    try:
        open_csv(path, kind).close()
    except WrongKindError:
        raise
    except ImportFileError:
        return


def open_csv(path: Path, kind: str) -> CsvSource:
    with path.open("rb") as raw:
        magic = raw.read(8)
    if magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            _("This is a spreadsheet workbook, not a CSV file: save it as CSV (UTF-8) first.")
        )
    encoding = detect_encoding(path)
    handle = path.open(encoding=encoding, newline="")
    header_line = 0
    try:
        first = ""
        while not first.strip():
            first = handle.readline()
            header_line += 1
            if not first:
                raise ImportFileError(_("The file is empty."))
        delimiter = detect_delimiter(first)
        headers = next(csv.reader([first], delimiter=delimiter))
        _refuse_other_kind(kind, headers)
        found, ignored = map_headers(kind, headers)
        if "email" not in found:
            raise ImportFileError(
                _(
                    "No email column found. Name it Email, E-mail or Correo electrónico "
                    "(the headers we read: %(headers)s).",
                    headers=", ".join(h.strip() for h in headers if h.strip()) or "—",
                )
            )
    except Exception:
        handle.close()
        raise

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.reader(handle, delimiter=delimiter)
        previous_end = header_line
        try:
            for record in reader:
                line = previous_end + 1
                previous_end = reader.line_num + header_line
                if not any(cell.strip() for cell in record):
                    continue
                yield (
                    line,
                    {
                        name: record[index] if index < len(record) else ""
                        for name, index in found.items()
                    },
                )
        except csv.Error as exc:
            raise ImportFileError(
                _("Line %(line)s cannot be read: %(error)s", line=previous_end + 1, error=exc)
            ) from exc

    return CsvSource(
        columns={name: headers[index].strip() for name, index in found.items()},
        ignored=ignored,
        rows=rows(),
        close=handle.close,
    )
