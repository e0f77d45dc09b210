"""Parsing one cell: a language, a yes/no, a date, a team path. A bad cell raises ``BadCell``."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from tenants.people.imports.headers import normalize_header
from tenants.people.teams import team_key

MAX_TEAM_NAME = 120

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


class BadCell(Exception):
    def __init__(self, code: str, field: str, value: str = "") -> None:
        super().__init__(code)
        self.code, self.field, self.value = code, field, value


def text(value: Any) -> str:
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
    raw = text(value)
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
    raw = text(value)
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
    raw = text(value)
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
    return _team_path(text(team), text(department))


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
