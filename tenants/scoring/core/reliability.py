"""Internal consistency of each dimension's items: Cronbach's alpha (docs/methodology.md §5.1).

From the quarter's purpose-map round, which asks at least three items of every dimension of
everyone it invites. Alpha needs, per response, its answers to the dimension's items: the SQL
sums them per item and per response total (``aggregates.reliability_rows``), so nothing here
sees a response, let alone a person. Pure: numbers in, numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from tenants.scoring.core.stats import Moments

#: Below this alpha a dimension is marked "low reliability" wherever it is shown.
LOW_RELIABILITY: Final = 0.7
#: Fewer complete responses than this give no alpha (it would be noise).
MIN_RESPONSES: Final = 10


@dataclass(frozen=True, slots=True)
class Reliability:
    dimension: str
    alpha: float
    items: int  # items of the dimension in the round
    responses: int  # responses that answered all of them

    @property
    def low(self) -> bool:
        return self.alpha < LOW_RELIABILITY


def cronbach_alpha(items: Sequence[Moments], total: Moments) -> float | None:
    """α = k/(k − 1) · (1 − Σ var(itemᵢ) / var(total)), from each item's Moments and the
    Moments of the per-response totals (the same responses throughout). None with fewer than
    two items, fewer than ``MIN_RESPONSES`` responses, or no spread in the totals."""
    k = len(items)
    if k < 2 or total.n < MIN_RESPONSES or any(m.n != total.n for m in items):
        return None
    total_var = total.variance
    if not total_var or total_var <= 0.0:
        return None
    item_var = math.fsum(m.variance or 0.0 for m in items)
    return k / (k - 1) * (1.0 - item_var / total_var)
