"""The demo's story (seeded random, not uniform noise): how each team feels, quarter by quarter.

The Support team's purpose clarity is low until it changes how it works three quarters ago (a
change note says what), then rises quarter after quarter; Logistics slides on outcome focus and
ownership after a new tasks-per-day target; customers who got a birthday call feel clearly more
valued; the four-person Quality team stays below the anonymity threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tenants.demo.org import Org
from tenants.demo.phrases import RESPONSIBILITIES
from tenants.demo.programs import BIRTHDAY, WELCOME

QUARTERS = 6  # full quarters of history before the current one

BASE = {
    "purpose_clarity": 60.0,
    "outcome_focus": 54.0,
    "ownership": 62.0,
    "adaptability": 50.0,
    "improvement": 52.0,
}
DRIFT = 0.8  # points a quarter, everyone
RARELY_ANSWER = 0.25  # share of employees who seldom answer a pulse
ANSWER_NOISE = 12.0  # spread of one answer around what a person feels (0-100 points), made of
MOOD_NOISE = 9.0  # the day's mood, shared by a response's items of one dimension, and
ITEM_NOISE = 8.0  # each item's own reading (√(9² + 8²) ≈ 12): items agree, alpha ≈ 0.8
#: Team flavour (by team name, inherited by sub-teams).
TEAM_OFFSETS: dict[str, dict[str, float]] = {
    "Sales": {"outcome_focus": 6, "adaptability": -3},
    "Inside Sales": {"ownership": -3},
    "Product": {"adaptability": 8, "improvement": 6},
    "Design": {"purpose_clarity": 5, "improvement": 4},
    "People": {"purpose_clarity": 4, "ownership": 3},
    "Support": {"purpose_clarity": -8, "outcome_focus": -4},
    "Logistics": {"outcome_focus": 4, "ownership": 4},
}
RISING, DECLINING = "Support", "Logistics"
CHANGE_AT = 3  # the quarter (0 = oldest) in which Support changed how it works

SEGMENT_BASE = {"Retail": 55.0, "SMB": 59.0, "Enterprise": 63.0}
BIRTHDAY_FROM = 2  # the quarter in which birthday calls start
PROCESS_EFFECT = {BIRTHDAY: 17.0, WELCOME: 8.0}
WELCOME_SHARE = 0.015  # of customers a month get a welcome call
SAMPLE_RATE, PROCESS_RATE = 0.45, 0.8  # of customers who answer a pulse
REMEMBERED = 5.0  # lasting lift for a customer called on their birthday in the last year

CUSTOMER_NOTE = "We started calling customers on their birthday (the Birthday call process)."
#: What the company changed, by quarter (0 = oldest), on the first employee round of it.
CHANGE_NOTES = {
    CHANGE_AT: (
        "{rising} replaced its tickets-closed target with a weekly customer-outcome review: each "
        "Monday the team names the result it wants for one customer, and checks it on Friday. "
        "{declining} moved to a new tasks-per-day target."
    ),
    CHANGE_AT + 2: "We shared last quarter's results with every team and asked each for one "
    "small change to try.",
}


@dataclass
class Story:
    org: Org
    offsets: dict[int | None, dict[str, float]] = field(default_factory=dict)
    flavour: dict[int | None, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for team_id in [*self.org.tree, None]:
            lineage = self.org.lineage(team_id)
            offsets = dict.fromkeys(BASE, 0.0)
            for name in lineage:
                for key, value in TEAM_OFFSETS.get(name, {}).items():
                    offsets[key] += value
            self.offsets[team_id] = offsets
            self.flavour[team_id] = next(
                (n for n in lineage if n in (RISING, DECLINING)),
                next((n for n in reversed(lineage) if n in RESPONSIBILITIES), ""),
            )

    def feeling(self, team_id: int | None, key: str, q: int) -> float:
        """The team's mean feeling (0-100) about dimension ``key`` in quarter ``q``."""
        value = BASE[key] + self.offsets[team_id][key] + DRIFT * q
        after = max(0, q - CHANGE_AT + 1)
        if self.flavour[team_id] == RISING and after:
            value += {"purpose_clarity": 9.0, "outcome_focus": 3.5, "ownership": 2.0}.get(
                key, 0
            ) * after
        if self.flavour[team_id] == DECLINING and after:
            value -= {"outcome_focus": 9.0, "ownership": 4.5, "improvement": 3.0}.get(
                key, 0
            ) * after
        return value

    def response_rate(self, team_id: int | None, q: int) -> float:
        rate = 0.7 + 0.02 * q
        if self.flavour[team_id] == DECLINING:
            rate -= 0.04 * max(0, q - CHANGE_AT + 1)
        return min(0.92, rate)

    def change_note(self, q: int, start_month: int) -> str | None:
        """The note of quarter ``q``: each goes on the first round of its quarter."""
        if q not in CHANGE_NOTES or start_month % 3 != 1:
            return None
        teams = (self.org.team_id(RISING), self.org.team_id(DECLINING))
        if q == CHANGE_AT and None in teams:
            return None
        return CHANGE_NOTES[q].format(rising=RISING, declining=DECLINING)
