"""The settled-period cache.

Once a round is closed it takes no more answers, and its invitations and rollups no longer
change: the engine's result for a period whose closed rounds have all been closed for a
while is fixed, and recomputing it (a scan of the period's invitations and one engine run
per dimension) on every view is waste. Such *settled* periods are kept here, keyed by
everything they depend on: the period's closed rounds (ids, thresholds, creation and close
times), the team tree's structure, the tenant's default threshold and rollup rebuilds. A
period with a round closed in the last SETTLE_AFTER (a submission may still be committing)
or closed without a close time is recomputed every time. Keys start ``(tenant_id, period)``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import timedelta
from typing import Final

from tenants.scoring.core.outcomes import PeriodOutcomes

SETTLE_AFTER: Final = timedelta(minutes=5)
CACHE_SIZE: Final = 512
_cache: OrderedDict[tuple, PeriodOutcomes] = OrderedDict()
_cache_lock = threading.Lock()


def clear_cache(tenant_id: int | None = None, period: str | None = None) -> None:
    """Forget settled periods: all of them, or a tenant's, or one period of a tenant (after
    repairing data by hand; tests; the benchmark)."""
    with _cache_lock:
        for key in list(_cache):
            if (tenant_id is None or key[0] == tenant_id) and (period is None or key[1] == period):
                del _cache[key]


def cached(key: tuple) -> PeriodOutcomes | None:
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def remember(key: tuple, value: PeriodOutcomes) -> None:
    with _cache_lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
