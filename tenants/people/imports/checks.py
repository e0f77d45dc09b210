"""Checking a row: one source row (CSV cells or an API item) in, one stage row out; and a bad
row's reason in words."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from tenants.people.aggregates.stage import STAGE_FIELDS
from tenants.people.imports.cells import (
    BadCell,
    parse_bool,
    parse_date,
    parse_locale,
    parse_team_path,
    text,
)
from tenants.people.imports.headers import FIELD_LABELS
from tenants.people.imports.team_index import TeamIndex
from tenants.people.service import normalize_email

LIMITS = {"name": 120, "segment": 60}


class RowChecker:
    """Turns one source row (CSV cells or an API item) into one stage row."""

    def __init__(self, kind: str, teams: TeamIndex, *, day_first: bool = True) -> None:
        self.kind = kind
        self.teams = teams
        self.day_first = day_first

    def check(self, line: int, raw: dict[str, Any]) -> dict[str, Any]:
        shown = text(raw.get("email"))
        row: dict[str, Any] = dict.fromkeys(STAGE_FIELDS)
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
        name = " ".join(f"{text(raw.get('name'))} {text(raw.get('last_name'))}".split())
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
            manager = text(raw.get("manager_email"))
            if manager:
                row["manager_email"] = normalize_email(manager)
                if row["manager_email"] is None:
                    raise BadCell("bad_manager_email", "manager_email", manager)
                if row["manager_email"] == email:
                    raise BadCell("own_manager", "manager_email", manager)
            row["start_date"] = parse_date(raw.get("start_date"), self.day_first)
        else:
            segment = " ".join(text(raw.get("segment")).split())
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
