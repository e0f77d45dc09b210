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
"""

from __future__ import annotations

import codecs
import csv
import json
import logging
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from saas.billing.entitlements import entitlements
from saas.db import require_tenant_id, utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people import aggregates
from tenants.people.models import ImportJob, Team
from tenants.people.service import (
    PeopleError,
    SeatLimitExceeded,
    normalize_email,
    seat_limit_message,
    team_key,
)

log = logging.getLogger("outcome_pulse.people.imports")

BATCH = 2000
PROBLEM_LIMIT = 1000  # bad rows kept for the preview page (all of them are counted)
PROGRESS_EVERY = 5000
MAX_TEAM_NAME = 120
MAX_NEW_TEAMS = 500  # more is a wrong column, not an organisation
LIMITS = {"email": 254, "name": 120, "segment": 60, "team": MAX_TEAM_NAME}


class ImportFileError(PeopleError):
    """The file cannot be read as a table of people (no email column, not text, empty...)."""


class ImportRefused(PeopleError):
    """The commit would not do what the admin confirmed."""


# -- headers ---------------------------------------------------------------------------------


def normalize_header(value: str) -> str:
    """ "Correo electrónico" → "correoelectronico"; "E-mail" → "email"."""
    decomposed = unicodedata.normalize("NFKD", value.replace("\ufeff", ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", plain.casefold())


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_COMMON = {
    "email": (
        "email emailaddress mail workemail businessemail corporateemail emailcorporativo "
        "correo correoelectronico correoe direcciondecorreo direcciondecorreoelectronico "
        "correocorporativo emailtrabajo correodeltrabajo emaildelempleado correodelempleado "
        "emaildelcliente correodelcliente"
    ),
    "name": (
        "name fullname displayname firstname givenname nombre nombrecompleto nombreyapellidos "
        "nombreapellidos employeename employee empleado nombredelempleado customername "
        "cliente nombredelcliente contacto contactname"
    ),
    "last_name": "lastname surname familyname apellido apellidos",
    "locale": (
        "locale language lang preferredlanguage idioma lengua idiomapreferido idiomadeencuesta"
    ),
}
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "employees": {
        **{name: _words(words) for name, words in _COMMON.items()},
        "team": _words("team teamname subteam equipo nombredelequipo subequipo grupo unidad unit"),
        "department": _words("department dept departamento depto area division orgunit seccion"),
        "manager_email": _words(
            "manager manageremail managersemail linemanager linemanageremail reportsto "
            "supervisor supervisoremail jefe jefa jefedirecto jefeinmediato correodeljefe "
            "correojefe emaildeljefe emailjefe responsable emailresponsable "
            "correoresponsable correodelresponsable emaildelresponsable responsabledirecto "
            "manager_email"
        ),
        "start_date": _words(
            "startdate start hiredate datehired dateofhire joindate joined joiningdate "
            "employmentstartdate fechadealta fechaalta alta fechadeincorporacion "
            "fechaincorporacion incorporacion fechadeingreso fechaingreso fechadeinicio "
            "fechainicio fechadecontratacion"
        ),
    },
    "customers": {
        **{name: _words(words) for name, words in _COMMON.items()},
        "segment": _words(
            "segment segmento customersegment segmentodecliente tier customertype "
            "tipodecliente categoria category"
        ),
        "team": _words(
            "team servingteam teamname equipo equipoquelosirve equipoqueloatiende "
            "equiporesponsable equipoasignado accountteam servidopor atendidopor"
        ),
        "department": _words("department departamento area division"),
        "consent": _words(
            "consent consentimiento optin acceptssurveys aceptaencuestas consiente "
            "permission permiso consentsurveys"
        ),
        "unsubscribed": _words(
            "unsubscribed unsubscribe optout baja dadodebaja desuscrito nosuscrito"
        ),
    },
}
_LOOKUP = {
    kind: {synonym: name for name, words in fields.items() for synonym in words}
    for kind, fields in SYNONYMS.items()
}
FIELD_LABELS = {
    "email": _l("email"),
    "name": _l("name"),
    "last_name": _l("last name"),
    "team": _l("team"),
    "department": _l("department"),
    "manager_email": _l("manager"),
    "locale": _l("language"),
    "start_date": _l("start date"),
    "segment": _l("segment"),
    "consent": _l("consent"),
    "unsubscribed": _l("unsubscribed"),
}


def map_headers(kind: str, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field (the first match wins), and the headers we ignore."""
    found: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(headers):
        name = _LOOKUP[kind].get(normalize_header(header))
        if name is None or name in found:
            if header.strip():
                ignored.append(header.strip())
            continue
        found[name] = index
    return found, ignored


# -- reading a file --------------------------------------------------------------------------


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


# -- checking a row --------------------------------------------------------------------------

_LOCALES = {
    "en": "en",
    "english": "en",
    "ingles": "en",
    "es": "es",
    "spanish": "es",
    "espanol": "es",
    "castellano": "es",
}
_TRUE = {"yes", "y", "true", "1", "si", "s", "x", "verdadero", "v", "ok"}
_FALSE = {"no", "n", "false", "0", "f", "falso"}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: .*)?$")
MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW"})


class BadCell(Exception):
    def __init__(self, code: str, field: str, value: str = "") -> None:
        super().__init__(code)
        self.code, self.field, self.value = code, field, value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


# The parsers below are pure and see few distinct values (languages, dates, team names), so
# each keeps a small bounded cache: a 100,000-row file is checked several times faster and
# memory stays flat.
CACHE = 4096


def parse_locale(value: Any) -> str | None:
    raw = _text(value)
    return _locale(raw) if raw else None


@lru_cache(maxsize=CACHE)
def _locale(raw: str) -> str:
    word = normalize_header(re.split(r"[-_]", raw)[0])
    if word in _LOCALES:
        return _LOCALES[word]
    raise BadCell("bad_locale", "locale", raw)


def parse_bool(value: Any, field_name: str) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = _text(value)
    return _bool(raw, field_name) if raw else None


@lru_cache(maxsize=CACHE)
def _bool(raw: str, field_name: str) -> bool:
    word = normalize_header(raw)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise BadCell("bad_value", field_name, raw)


def parse_date(value: Any, day_first: bool = True) -> date | None:
    raw = _text(value)
    return _date(raw, day_first) if raw else None


@lru_cache(maxsize=CACHE)
def _date(raw: str, day_first: bool) -> date:
    try:
        if match := _ISO.match(raw):
            year, month, day = (int(g) for g in match.groups())
        elif match := _DMY.match(raw):
            first, second, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000 if year < 70 else 1900
            day, month = (first, second) if day_first else (second, first)
            if month > 12 >= day:  # unambiguous the other way round
                day, month = month, day
        else:
            raise ValueError(raw)
        parsed = date(year, month, day)
    except ValueError as exc:
        raise BadCell("bad_date", "start_date", raw) from exc
    if not 1900 <= parsed.year <= 2100:
        raise BadCell("bad_date", "start_date", raw)
    return parsed


def parse_team_path(team: Any, department: Any = None) -> tuple[str, ...]:
    """ "Sales > Inside Sales" (or a department column plus a team column) → ("Sales", ...)."""
    return _team_path(_text(team), _text(department))


@lru_cache(maxsize=CACHE)
def _team_path(team: str, department: str) -> tuple[str, ...]:
    parts = [p for p in (" ".join(x.split()) for x in team.split(">")) if p]
    parent = " ".join(department.split())
    if parent and (not parts or team_key(parts[0]) != team_key(parent)):
        parts.insert(0, parent)
    for part in parts:
        if len(part) > MAX_TEAM_NAME:
            raise BadCell("too_long", "team", part[:60])
    return tuple(parts)


class TeamIndex:
    """The tenant's teams by key (case- and space-insensitive name), plus the paths an import
    asks for that do not exist yet. Small: one entry per team, never per row."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: dict[str, str] = {}
        for team in db.session.scalars(select(Team)):
            self.ids[team_key(team.name)] = team.id
            self.names[team_key(team.name)] = team.name
        self.wanted: dict[str, tuple[str, ...]] = {}

    def resolve(self, path: tuple[str, ...]) -> tuple[str | None, int | None]:
        if not path:
            return None, None
        key = team_key(path[-1])
        if key in self.ids:
            return key, self.ids[key]
        self.wanted.setdefault(key, path)
        return key, None

    def plan(self, keys: Iterable[str]) -> list[dict[str, str | None]]:
        """The teams that creating ``keys`` would add, parents first: [{name, parent}]."""
        known = dict(self.names)
        planned: list[dict[str, str | None]] = []
        for key in keys:
            parent_name: str | None = None
            for part in self.wanted.get(key, []):
                part_key = team_key(part)
                if part_key not in known:
                    known[part_key] = part
                    planned.append({"name": part, "parent": parent_name})
                parent_name = known[part_key]
        return planned

    def create(self, keys: Iterable[str]) -> list[dict[str, str | None]]:
        created: list[dict[str, str | None]] = []
        for key in keys:
            parent_id: int | None = None
            parent_name: str | None = None
            for part in self.wanted.get(key, []):
                part_key = team_key(part)
                if part_key not in self.ids:
                    team = Team(name=part, parent_id=parent_id)
                    db.session.add(team)
                    db.session.flush()
                    self.ids[part_key], self.names[part_key] = team.id, team.name
                    created.append({"name": part, "parent": parent_name})
                parent_id, parent_name = self.ids[part_key], self.names[part_key]
        return created


class RowChecker:
    """Turns one source row (CSV cells or an API item) into one stage row."""

    def __init__(self, kind: str, teams: TeamIndex, *, day_first: bool = True) -> None:
        self.kind = kind
        self.teams = teams
        self.day_first = day_first

    def check(self, line: int, raw: dict[str, Any]) -> dict[str, Any]:
        shown = _text(raw.get("email"))
        row: dict[str, Any] = dict.fromkeys(aggregates.STAGE_FIELDS)
        row.update(line=line, shown_email=shown[:254], active=True)
        try:
            self._fill(row, raw, shown)
        except BadCell as bad:
            row.update(error=bad.code, error_field=bad.field, error_value=bad.value[:254])
        return row

    def _fill(self, row: dict[str, Any], raw: dict[str, Any], shown: str) -> None:
        if not shown:
            raise BadCell("missing_field", "email")
        email = normalize_email(shown)
        if email is None:
            raise BadCell("bad_email", "email", shown)
        row["email"] = email
        name = " ".join(f"{_text(raw.get('name'))} {_text(raw.get('last_name'))}".split())
        if len(name) > LIMITS["name"]:
            raise BadCell("too_long", "name", name[:60])
        row["name"] = name or None
        row["team_key"], row["team_id"] = self.teams.resolve(
            parse_team_path(raw.get("team"), raw.get("department"))
        )
        row["locale"] = parse_locale(raw.get("locale"))
        if "active" in raw and raw["active"] is not None:
            row["active"] = bool(parse_bool(raw["active"], "active"))
        if self.kind == "employees":
            manager = _text(raw.get("manager_email"))
            if manager:
                row["manager_email"] = normalize_email(manager)
                if row["manager_email"] is None:
                    raise BadCell("bad_manager_email", "manager_email", manager)
                if row["manager_email"] == email:
                    raise BadCell("own_manager", "manager_email", manager)
            row["start_date"] = parse_date(raw.get("start_date"), self.day_first)
        else:
            segment = " ".join(_text(raw.get("segment")).split())
            if len(segment) > LIMITS["segment"]:
                raise BadCell("too_long", "segment", segment[:60])
            row["segment"] = segment or None
            row["consent"] = parse_bool(raw.get("consent"), "consent")
            row["unsubscribed"] = parse_bool(raw.get("unsubscribed"), "unsubscribed")


def problem_message(problem: dict[str, Any], where: str = "line") -> str:
    """A bad row's reason, in words (the preview page, the outcome page and the API)."""
    code, value = problem["code"], problem.get("value", "")
    label = str(FIELD_LABELS.get(problem.get("field", ""), problem.get("field", "")))
    if code == "missing_field":
        return _("Missing %(field)s.", field=label)
    if code == "bad_email":
        return _("Not a valid email address: “%(value)s”.", value=value)
    if code == "duplicate":
        if where == "index":
            return _("Duplicate: the same email is already at index %(first)s.", first=value)
        return _("Duplicate: the same email is already on line %(first)s.", first=value)
    if code == "unknown_manager":
        return _(
            "Unknown manager: %(email)s is neither in the file nor an existing employee.",
            email=value,
        )
    if code == "bad_manager_email":
        return _("The manager must be an email address, not “%(value)s”.", value=value)
    if code == "own_manager":
        return _("An employee cannot be their own manager.")
    if code == "bad_date":
        return _(
            "Start date not understood: “%(value)s” (use YYYY-MM-DD or DD/MM/YYYY).", value=value
        )
    if code == "bad_locale":
        return _("Language must be English (en) or Spanish (es), not “%(value)s”.", value=value)
    if code == "bad_value":
        return _("%(field)s must be yes or no, not “%(value)s”.", field=label, value=value)
    if code == "too_long":
        return _("The %(field)s is too long: “%(value)s…”.", field=label, value=value)
    return code


# -- the pipeline ----------------------------------------------------------------------------


@dataclass
class Staged:
    """What an import would do, computed on the stage (nothing written yet)."""

    tenant: Tenant
    kind: str
    teams: TeamIndex
    counts: dict[str, int]
    problems: list[dict[str, Any]]
    new_team_keys: list[str]
    missing: int = 0
    seats_used: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.counts["total"] - self.counts["invalid"]

    def seats_after(self, deactivate_missing: bool) -> int:
        return (
            self.seats_used
            + self.counts["activated"]
            - self.counts["deactivated"]
            - (self.missing if deactivate_missing else 0)
        )

    def seat_problem(self, deactivate_missing: bool) -> str | None:
        if self.kind != "employees":
            return None
        after = self.seats_after(deactivate_missing)
        limit = entitlements(self.tenant).seat_limit
        if after > limit and after > self.seats_used:
            return seat_limit_message(self.tenant, after)
        return None


ProgressFn = Callable[[int], None]


def stage_source(
    tenant: Tenant,
    kind: str,
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    problem_limit: int = PROBLEM_LIMIT,
    progress: ProgressFn | None = None,
    day_first: bool | None = None,
) -> Staged:
    """Stream ``rows`` into a fresh stage and check them. The caller's transaction holds it.

    Dates like 03/04/2025 are read day first, except for tenants in month-first countries
    (the US) whose file does not have a Spanish date header.
    """
    tenant_id = require_tenant_id()
    aggregates.create_stage(tenant_id)
    teams = TeamIndex()
    if day_first is None:
        day_first = tenant.country.upper() not in MONTH_FIRST_COUNTRIES
    checker = RowChecker(kind, teams, day_first=day_first)
    batch: list[dict[str, Any]] = []
    for count, (line, raw) in enumerate(rows, start=1):
        batch.append(checker.check(line, raw))
        if len(batch) >= BATCH:
            aggregates.stage_rows(tenant_id, batch)
            batch = []
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    aggregates.stage_rows(tenant_id, batch)
    if len(teams.wanted) > MAX_NEW_TEAMS:
        raise ImportFileError(
            _(
                "The file names %(n)s teams that do not exist (at most %(max)s at once): is the "
                "team column the right one?",
                n=len(teams.wanted),
                max=MAX_NEW_TEAMS,
            )
        )
    aggregates.check_stage(tenant_id, kind)
    return Staged(
        tenant=tenant,
        kind=kind,
        teams=teams,
        counts=aggregates.stage_counts(tenant_id, kind),
        problems=aggregates.stage_problems(tenant_id, problem_limit),
        new_team_keys=aggregates.new_team_keys(tenant_id),
        missing=aggregates.count_missing(tenant_id, kind),
        seats_used=aggregates.active_employee_count(tenant_id),
    )


@dataclass
class Applied:
    created: int
    updated: int
    unchanged: int
    deactivated: int
    skipped: int
    teams_created: list[dict[str, str | None]]


def apply_staged(staged: Staged, *, deactivate_missing: bool = False) -> Applied:
    """Create the teams, upsert the good rows, deactivate the missing, check the seats.

    Raises ``SeatLimitExceeded`` after writing when the limit is passed: the caller rolls back.
    """
    tenant_id = require_tenant_id()
    created_teams = staged.teams.create(staged.new_team_keys)
    aggregates.assign_teams(tenant_id, {key: staged.teams.ids[key] for key in staged.new_team_keys})
    now = utcnow()
    aggregates.upsert(tenant_id, staged.kind, now)
    deactivated = 0
    if deactivate_missing:
        deactivated = aggregates.deactivate_missing(tenant_id, staged.kind, now)
    if staged.kind == "employees":
        after = aggregates.active_employee_count(tenant_id)
        if after > entitlements(staged.tenant).seat_limit and after > staged.seats_used:
            raise SeatLimitExceeded(seat_limit_message(staged.tenant, after))
    aggregates.drop_stage(tenant_id)
    db.session.expire_all()
    return Applied(
        created=staged.counts["new"],
        updated=staged.counts["updated"],
        unchanged=staged.counts["unchanged"],
        deactivated=deactivated,
        skipped=staged.counts["invalid"],
        teams_created=created_teams,
    )


# -- import jobs (the UI) -----------------------------------------------------------------------


def imports_folder(tenant_id: int) -> Path:
    folder = Path(current_app.instance_path) / "imports" / str(tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_file(job: ImportJob) -> Path:
    return imports_folder(job.tenant_id) / f"{job.stored_name}.csv"


def _progress_file(job: ImportJob) -> Path:
    return imports_folder(job.tenant_id) / f"{job.stored_name}.progress"


def read_progress(job: ImportJob) -> int | None:
    """Rows read so far by the running step (written by the worker beside the file)."""
    try:
        return int(json.loads(_progress_file(job).read_text())["rows"])
    except (OSError, ValueError, KeyError):
        return None


def _progress_writer(job: ImportJob) -> ProgressFn:
    path = _progress_file(job)

    def write(rows: int) -> None:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"rows": rows}))
        os.replace(temporary, path)

    write(0)
    return write


def create_job(kind: str, upload: BinaryIO, filename: str, actor: Any = None) -> ImportJob:
    """Store the uploaded file in the instance folder (streamed) and record a queued job."""
    if kind not in ("employees", "customers"):
        raise PeopleError(_("Choose employees or customers."))
    tenant_id = require_tenant_id()
    stored_name = uuid.uuid4().hex
    path = imports_folder(tenant_id) / f"{stored_name}.csv"
    size = 0
    with path.open("wb") as out:
        while chunk := upload.read(1 << 16):
            out.write(chunk)
            size += len(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        raise PeopleError(_("The file is empty."))
    job = ImportJob(
        kind=kind,
        filename=re.split(r"[\\/]", filename or "")[-1][:255] or "upload.csv",
        stored_name=stored_name,
        size_bytes=size,
        status="queued",
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(job)
    return job


def _cleanup(job: ImportJob, keep_file: bool = False) -> None:
    _progress_file(job).unlink(missing_ok=True)
    if not keep_file:
        job_file(job).unlink(missing_ok=True)


def _fail(job_id: int, message: str, back_to: str = "failed") -> None:
    db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return
    job.status = back_to
    job.message = message
    job.finished_at = utcnow() if back_to == "failed" else None
    _cleanup(job, keep_file=True)
    db.session.commit()


def _open_job_source(job: ImportJob) -> CsvSource:
    path = job_file(job)
    if not path.exists():
        raise ImportFileError(_("The uploaded file is no longer available: upload it again."))
    return open_csv(path, job.kind)


def _stage_job(job: ImportJob, tenant: Tenant) -> tuple[Any, Any]:
    """Read the job's stored file and check every row into the stage (both steps do this)."""
    source = _open_job_source(job)
    try:
        staged = stage_source(
            tenant,
            job.kind,
            source.rows,
            progress=_progress_writer(job),
            day_first=source.day_first,
        )
    finally:
        source.close()
    return source, staged


def run_preview(job_id: int) -> None:
    """Background step 1: read the file, check every row, record the preview. Writes no people."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != "queued":
        return
    job.status, job.message = "checking", None
    db.session.commit()
    tenant = db.session.get(Tenant, job.tenant_id)
    try:
        source, staged = _stage_job(job, tenant)
        db.session.rollback()  # the stage goes; nothing else was written
        job = db.session.get(ImportJob, job_id)
        job.columns = {"found": source.columns, "ignored": source.ignored}
        job.total_rows = staged.counts["total"]
        job.invalid_rows = staged.counts["invalid"]
        job.new_rows = staged.counts["new"]
        job.updated_rows = staged.counts["updated"]
        job.unchanged_rows = staged.counts["unchanged"]
        job.deactivate_rows = staged.missing
        job.teams_to_create = staged.teams.plan(staged.new_team_keys)
        job.problems = staged.problems
        problems = [staged.seat_problem(False), staged.seat_problem(True)]
        job.seat_problem = json.dumps(problems) if any(problems) else None
        job.status = "ready"
        job.previewed_at = utcnow()
        _cleanup(job, keep_file=True)
        db.session.commit()
    except PeopleError as exc:
        _fail(job_id, str(exc))
    except Exception:
        log.exception("import %s: preview failed", job_id)
        _fail(job_id, _("The file could not be checked. Nothing was changed."))


def seat_problems(job: ImportJob) -> tuple[str | None, str | None]:
    """The seat-limit message without and with deactivating the missing people."""
    if not job.seat_problem:
        return None, None
    keep, deactivate = json.loads(job.seat_problem)
    return keep, deactivate


def confirm_job(job: ImportJob, *, skip_invalid: bool, deactivate_missing: bool) -> None:
    """The admin's go-ahead, checked here; the view then queues the commit."""
    if job.status != "ready":
        raise PeopleError(_("This import is not waiting for a confirmation."))
    if job.valid_rows == 0:
        raise PeopleError(_("There is no good row to import."))
    if job.invalid_rows and not skip_invalid:
        raise PeopleError(
            _(
                "%(bad)s rows have problems. Fix them and upload the file again, or tick "
                "“Import the %(good)s good rows and skip the %(bad)s rows with problems”.",
                bad=job.invalid_rows,
                good=job.valid_rows,
            )
        )
    seat_problem = seat_problems(job)[1 if deactivate_missing else 0]
    if seat_problem:
        raise SeatLimitExceeded(seat_problem)
    _move(
        job,
        ("ready",),
        "importing",
        skip_invalid=skip_invalid,
        deactivate_missing=deactivate_missing,
    )


def _move(job: ImportJob, from_statuses: tuple[str, ...], to: str, **values: Any) -> None:
    """Change the status only if nobody else did meanwhile (a double click queues one task)."""
    result = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.status.in_(from_statuses))
        .values(status=to, message=None, **values)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise PeopleError(_("This import has already moved on: reload the page."))


def run_commit(job_id: int) -> None:
    """Background step 2: the whole import in one transaction, or nothing."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != "importing":
        return
    tenant = db.session.get(Tenant, job.tenant_id)
    try:
        _source, staged = _stage_job(job, tenant)
        invalid = staged.counts["invalid"]
        if invalid and not job.skip_invalid:
            raise ImportRefused(_("The file has rows with problems: nothing was imported."))
        if invalid > job.invalid_rows:
            raise ImportRefused(
                _(
                    "Since the preview, %(now)s rows have problems instead of %(before)s "
                    "(your people changed meanwhile). Nothing was imported: check the file again.",
                    now=invalid,
                    before=job.invalid_rows,
                )
            )
        applied = apply_staged(staged, deactivate_missing=job.deactivate_missing)
        job.status = "done"
        job.created_count = applied.created
        job.updated_count = applied.updated
        job.unchanged_rows = applied.unchanged
        job.deactivated_count = applied.deactivated
        job.skipped_count = applied.skipped
        job.teams_created = applied.teams_created
        job.problems = staged.problems
        job.finished_at = utcnow()
        db.session.commit()  # the people and the job's outcome together
    except PeopleError as exc:
        _fail(job_id, str(exc))
        return
    except Exception:
        log.exception("import %s: commit failed", job_id)
        _fail(job_id, _("The import failed and nothing was changed. Try again later."))
        return
    _cleanup(job)


def discard_job(job: ImportJob) -> None:
    if job.status in ("checking", "importing", "done"):
        raise PeopleError(_("This import cannot be discarded now."))
    job.status = "discarded"
    job.finished_at = utcnow()
    _cleanup(job)


def recheck_job(job: ImportJob) -> None:
    """Check a stored file again (after a failure, or when the people changed meanwhile)."""
    if job.status not in ("ready", "failed") or not job_file(job).exists():
        raise PeopleError(_("This file cannot be checked again: upload it again."))
    _move(job, ("ready", "failed"), "queued")


def recent_jobs(limit: int = 20) -> list[ImportJob]:
    return list(
        db.session.scalars(
            select(ImportJob)
            .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
            .limit(limit)
        )
    )


# -- the API -----------------------------------------------------------------------------------


class ItemsInvalid(PeopleError):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(_("Some items are not valid: nothing was written."))
        self.problems = problems


def upsert_items(tenant: Tenant, kind: str, items: list[dict[str, Any]]) -> Applied:
    """All the items or none (the caller commits, or rolls back on an exception)."""
    staged = stage_source(tenant, kind, enumerate(items), problem_limit=len(items) or 1)
    if staged.counts["invalid"]:
        raise ItemsInvalid(staged.problems)
    problem = staged.seat_problem(False)
    if problem:
        raise SeatLimitExceeded(problem)
    return apply_staged(staged)


def iter_rows_from_dicts(rows: Iterable[dict[str, Any]], first_line: int = 2) -> Iterator:
    """(line, row) pairs for rows already split into fields (the demo, tests)."""
    return ((first_line + i, row) for i, row in enumerate(rows))
