"""The scoring core: the maturity model (``maturity``), its statistics (``stats``), the anonymity
engine (``anonymity``), one period through the engine (``outcomes``), the figures of released
groups (``scores``) and the figures contract every output receives (``figures``).

Pure functions over numbers: nothing here imports Flask, SQLAlchemy or ``saas`` (only the pure
team tree, ``tenants.people.tree``); ``tests/scoring/test_core_is_pure.py`` enforces it.
"""

from typing import Final

#: The version of docs/methodology.md the figures are computed by; each release records it.
METHODOLOGY_VERSION: Final = "2026.12"
