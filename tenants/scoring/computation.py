"""Everything the dashboard needs for one tenant and period, for every scope at once: the
period's and its trend's released outcomes (``loading``), cut into each scope's figures
(``core.scores``). A team lead's view is a slice of the whole-tenant result.

A released period is read from its snapshot, on the team tree frozen in it: its groups, their
names and nesting, participation and reliability are those of the release, whatever happened to
the teams since. A team created since has no figures in it."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from saas.db import utcnow
from tenants.scoring import loading
from tenants.scoring.aggregates import reliability_rows, tenant_rows
from tenants.scoring.core.anonymity import MIN_THRESHOLD
from tenants.scoring.core.changes import call_changes, group_tests
from tenants.scoring.core.figures import Dashboard, GroupFigures, Participation, TrendPoint
from tenants.scoring.core.maturity import EMPLOYEE_DIMENSIONS
from tenants.scoring.core.outcomes import (
    CUSTOMER_DIMENSION,
    CUSTOMER_WAYS,
    Outcome,
    PeriodOutcomes,
    with_customers,
)
from tenants.scoring.core.reliability import Reliability, cronbach_alpha
from tenants.scoring.core.scores import group_figures, trend_point
from tenants.scoring.core.stats import Change, WelchTest
from tenants.scoring.periods import shift_period

#: The trend shows up to this many quarters, ending at the period shown.
TREND_QUARTERS: Final = 8


class Computation:
    """Everything the dashboard needs for one tenant and period, for every scope at once."""

    def __init__(self, tenant_id: int, period: str | None, now: datetime | None) -> None:
        now = now or utcnow()
        self.tenant_id = tenant_id
        self._reliability: tuple[Reliability, ...] | None = None
        self.settings = loading.settings_of(tenant_id)
        self.calendar = loading.calendar_of(tenant_id, now, self.settings)
        self.period = self.calendar.resolve(period, now, self.settings.timezone)
        self.today = loading.tree_of(tenant_id)
        self.tree = self.today
        window = [shift_period(self.period, -k) for k in range(TREND_QUARTERS - 1, -1, -1)]
        closed = set(self.calendar.closed)
        with_results = [p for p in window if p in closed]
        # The trend starts at the first quarter with results; later quarters without any are
        # gaps (hidden=False, index None).
        self.trend_periods = window[window.index(with_results[0]) :] if with_results else []
        self.by_period = loading.outcomes_of(
            tenant_id, with_results, self.calendar, self.tree, self.settings, now
        )
        shown = self.by_period.get(self.period)
        if shown is not None and shown.tree is not None:
            self.tree = shown.tree
        self.live = loading.live_counts(tenant_id, self.calendar, self.period)
        customer_periods = [p for p in with_results if self.calendar.rounds(p, "customer")]
        self.processes = tenant_rows.process_names(tenant_id) if customer_periods else {}

    def _current(self) -> PeriodOutcomes | None:
        return self.by_period.get(self.period)

    def _previous(self) -> PeriodOutcomes | None:
        return self.by_period.get(shift_period(self.period, -1))

    def _employee_outcome(self, p: PeriodOutcomes | None, team_id: int | None) -> Outcome | None:
        if p is None:
            return None
        o = p.employees.get(team_id)
        if o is None:  # a team that was not in that period's release
            return None
        return with_customers(o, p.customers) if team_id is None else o

    def _empty(self) -> Outcome:
        threshold = max(MIN_THRESHOLD, self.settings.threshold)
        return Outcome(0, 0, threshold, False, threshold, "below_threshold")

    def calls(self) -> dict[str, dict[str, Change]]:
        """Every change the release of the period shown calls: the tests of all its groups
        (employees by team, customers by every split) form one Benjamini-Hochberg family."""
        current, previous = self._current(), self._previous()
        memo = current is not None and (previous is None or previous.key is not None)
        memo_key = ("calls", None if previous is None else previous.key)
        if memo and memo_key in current.figures:  # type: ignore[union-attr]
            return current.figures[memo_key]  # type: ignore[union-attr,return-value]
        tests: dict[tuple[str, str], WelchTest | None] = {}
        if current is not None and previous is not None:
            for team in (None, *self.tree.order):
                o, p = current.employees.get(team), previous.employees.get(team)
                if o is not None:
                    key = "all" if team is None else f"team:{team}"
                    for name, test in group_tests(p, o, EMPLOYEE_DIMENSIONS).items():
                        tests[key, name] = test
            if current.customers is not None:
                keys = (CUSTOMER_DIMENSION,)
                for name, test in group_tests(previous.customers, current.customers, keys).items():
                    tests["customers", name] = test
                for way in CUSTOMER_WAYS:
                    before = previous.customer_parts.get(way, {})
                    for part, o in current.customer_parts.get(way, {}).items():
                        for name, test in group_tests(before.get(part), o, keys).items():
                            tests[f"{way}:{part}", name] = test
        calls: dict[str, dict[str, Change]] = {}
        for (group, name), change in call_changes(tests).items():
            calls.setdefault(group, {})[name] = change
        if memo:
            current.figures[memo_key] = calls  # type: ignore[union-attr,assignment]
        return calls

    def _calls_of(self, key: str) -> dict[str, Change]:
        out = dict(self.calls().get(key, {}))
        if key == "all":  # the customers' felt value shown beside the tenant's index
            felt = self.calls().get("customers", {}).get(CUSTOMER_DIMENSION)
            if felt is not None:
                out[CUSTOMER_DIMENSION] = felt
        return out

    def group(self, team_id: int | None) -> GroupFigures:
        if team_id is None:
            name = self.settings.name
        else:
            name = self.tree.names.get(team_id) or self.today.names[team_id]
        current, previous = self._current(), self._previous()
        # Remembered on the current period only while the previous one is settled too (or
        # absent): its figures depend on both.
        memo = current is not None and (previous is None or previous.key is not None)
        memo_key = (team_id, name, None if previous is None else previous.key)
        if memo and memo_key in current.figures:  # type: ignore[union-attr]
            return current.figures[memo_key]  # type: ignore[union-attr]
        o = self._employee_outcome(current, team_id) or self._empty()
        prev = self._employee_outcome(previous, team_id)
        keys = EMPLOYEE_DIMENSIONS + ((CUSTOMER_DIMENSION,) if team_id is None else ())
        if team_id is None:
            figures = group_figures("all", name, o, prev, keys, calls=self._calls_of("all"))
        else:
            figures = group_figures(
                f"team:{team_id}",
                name,
                o,
                prev,
                keys,
                depth=self.tree.depth.get(team_id, 0),
                team_id=team_id,
                calls=self._calls_of(f"team:{team_id}"),
            )
        if memo:
            current.figures[memo_key] = figures  # type: ignore[union-attr]
        return figures

    def trend(self, team_id: int | None) -> tuple[TrendPoint, ...]:
        points = []
        for p in self.trend_periods:
            data = self.by_period.get(p)
            if data is None:
                points.append(TrendPoint(p, None, None, hidden=False))
                continue
            if team_id not in data.trend:
                data.trend[team_id] = trend_point(p, self._employee_outcome(data, team_id))
            points.append(data.trend[team_id])
        return tuple(points)

    def _customer_groups(self) -> tuple[GroupFigures | None, dict[str, list[GroupFigures]]]:
        current, previous = self._current(), self._previous()
        if current is None or current.customers is None:
            return None, {}
        keys = (CUSTOMER_DIMENSION,)
        prev_total = previous.customers if previous is not None else None
        total = group_figures(
            "customers",
            self.settings.name,
            current.customers,
            prev_total,
            keys,
            calls=self._calls_of("customers"),
        )
        out: dict[str, list[GroupFigures]] = {}
        for way in CUSTOMER_WAYS:
            prev_parts = previous.customer_parts.get(way, {}) if previous is not None else {}
            groups = []
            for part, o in current.customer_parts[way].items():
                if way == "segment":
                    label = str(part)
                elif way == "process":
                    label = self.processes.get(part, str(part))  # type: ignore[call-overload]
                else:
                    label = self.tree.names.get(part, str(part))  # type: ignore[call-overload]
                groups.append(
                    group_figures(
                        f"{way}:{part}",
                        label,
                        o,
                        prev_parts.get(part),
                        keys,
                        team_id=part if way == "serving_team" else None,  # type: ignore[arg-type]
                        calls=self._calls_of(f"{way}:{part}"),
                    )
                )
            groups.sort(key=lambda g: (g.name.lower(), g.key))
            out[way] = groups
        return total, out

    def reliability(self) -> tuple[Reliability, ...]:
        """Cronbach's alpha per employee dimension from the period's purpose-map round, over
        the whole tenant, once the tenant's figures of the period are released."""
        current = self._current()
        if current is not None and current.reliability is not None:
            return current.reliability
        if self._reliability is None:
            found: list[Reliability] = []
            if self.group(None).released:
                closed = [r.id for r in self.calendar.rounds(self.period, "employee", "closed")]
                rounds = reliability_rows.map_rounds(self.tenant_id, closed)
                for sums in reliability_rows.item_sums(self.tenant_id, rounds):
                    if sums.dimension not in EMPLOYEE_DIMENSIONS:
                        continue
                    alpha = cronbach_alpha(sums.items, sums.total)
                    if alpha is not None:
                        found.append(
                            Reliability(sums.dimension, alpha, len(sums.items), sums.total.n)
                        )
            self._reliability = tuple(found)
        return self._reliability

    def participation(self, team_id: int | None) -> Participation:
        current = self._current()
        if current is not None and current.participation is not None:
            invited, answered = current.participation.get(team_id, (0, 0))
            return Participation(invited, answered, 0)
        return Participation(
            invited=loading.in_scope(self.tree, self.live["invited"], team_id),
            answered=loading.in_scope(self.tree, self.live["answered"], team_id),
            open_rounds=len(self.calendar.rounds(self.period, "employee", "open")),
        )

    def dashboard(self, team_id: int | None) -> Dashboard:
        if team_id is not None and team_id not in self.tree and team_id not in self.today:
            raise loading.UnknownTeam(team_id)
        teams = self.tree.order if team_id is None else self.tree.subtree(team_id)
        customers, parts = self._customer_groups()
        if team_id is not None:  # a subtree sees the customers its teams serve, nothing wider
            inside = set(teams)
            customers = None
            parts = {
                "serving_team": [g for g in parts.get("serving_team", []) if g.team_id in inside]
            }
        return Dashboard(
            period=self.period,
            periods=self.calendar.closed,
            team_id=team_id,
            overall=self.group(team_id),
            trend=self.trend(team_id),
            teams=tuple(self.group(t) for t in teams),
            customers=customers,
            segments=tuple(parts.get("segment", ())),
            processes=tuple(parts.get("process", ())),
            serving_teams=tuple(parts.get("serving_team", ())),
            participation=self.participation(team_id),
            reliability=self.reliability(),
        )
