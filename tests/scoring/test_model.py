"""The maturity model: dimensions, index and level boundaries."""

from __future__ import annotations

import pytest

from tenants.scoring.core.anonymity import Released
from tenants.scoring.core.maturity import (
    DIMENSION_KEYS,
    DIMENSIONS,
    LEVELS,
    culture_index,
    dimension,
    maturity_level,
)
from tenants.scoring.core.outcomes import Outcome
from tenants.scoring.core.scores import group_figures
from tenants.scoring.core.stats import Moments


def test_the_six_dimensions_of_the_glossary() -> None:
    assert DIMENSION_KEYS == (
        "purpose_clarity",
        "outcome_focus",
        "ownership",
        "adaptability",
        "improvement",
        "felt_value",
    )
    assert sum(d.weight for d in DIMENSIONS) == pytest.approx(1.0)
    for d in DIMENSIONS:
        assert d.label("en") and d.label("es") and d.label("es") != d.label("en")
        assert d.description("en").endswith(".") and d.description("es").endswith(".")
    assert dimension("felt_value").audience == "customer"
    assert dimension("ownership").label("es-MX") == "Responsabilidad propia"
    with pytest.raises(ValueError):
        dimension("happiness")


def test_index_is_the_weighted_mean_by_hand() -> None:
    means = {
        "purpose_clarity": 80.0,  # 0.20
        "outcome_focus": 60.0,  # 0.20
        "ownership": 70.0,  # 0.15
        "adaptability": 50.0,  # 0.15
        "improvement": 40.0,  # 0.15
        "felt_value": 90.0,  # 0.15
    }
    # Employees' dimensions only, at every level (felt value is shown beside the index):
    # (0.2·80 + 0.2·60 + 0.15·(70 + 50 + 40)) / 0.85 = 52 / 0.85 = 61.176471
    assert culture_index(means) == pytest.approx(61.176471)


def test_index_renormalises_over_the_dimensions_present() -> None:
    # Employee-only tenant, no customer survey: weights 0.2, 0.2, 0.15, 0.15, 0.15 → /0.85
    means = {"purpose_clarity": 80.0, "outcome_focus": 60.0, "ownership": 70.0}
    means |= {"adaptability": 50.0, "improvement": 40.0, "felt_value": None}
    # (16 + 12 + 0.15·160) / 0.85 = 52 / 0.85 = 61.176471
    assert culture_index(means) == pytest.approx(61.176471)
    # Two dimensions: (0.2·80 + 0.15·40) / 0.35 = 22 / 0.35 = 62.857143
    assert culture_index({"purpose_clarity": 80.0, "improvement": 40.0}) == pytest.approx(62.857143)
    assert culture_index({}) is None
    assert culture_index({"ownership": None}) is None


@pytest.mark.parametrize(
    "bad",
    [
        {"outcome_focus": 101.0},
        {"outcome_focus": -1.0},
        {"morale": 50.0},
    ],
)
def test_index_rejects_bad_means(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        culture_index(bad)


@pytest.mark.parametrize(
    ("index", "number", "key"),
    [
        (0.0, 1, "task_driven"),
        (39.999, 1, "task_driven"),
        (40.0, 2, "aware"),
        (54.999, 2, "aware"),
        (55.0, 3, "developing"),
        (69.999, 3, "developing"),
        (70.0, 4, "outcome_focused"),
        (79.999, 4, "outcome_focused"),
        (80.0, 5, "outcome_culture"),
        (100.0, 5, "outcome_culture"),
    ],
)
def test_level_boundaries(index: float, number: int, key: str) -> None:
    level = maturity_level(index)
    assert (level.number, level.key) == (number, key)


def test_level_boundary_survives_float_noise() -> None:
    # Every dimension at 80 must be level 5, however the weighted mean rounds.
    index = culture_index(dict.fromkeys(DIMENSION_KEYS, 80.0))
    assert index == pytest.approx(80.0)
    assert maturity_level(index).number == 5


def test_levels_read_well() -> None:
    assert [lv.number for lv in LEVELS] == [1, 2, 3, 4, 5]
    assert LEVELS[0].description("en") == "Work is done to complete tasks."
    assert LEVELS[4].name("en") == "Outcome culture"
    assert "porqué" in LEVELS[4].description("es")
    for lv in LEVELS:
        assert lv.name("es") != lv.name("en")
    with pytest.raises(ValueError):
        maturity_level(100.5)


def released_group(moments: dict[str, Moments]):
    """A released group scored the way the service scores every group it shows."""
    dims = {k: Released(m.n, m.n, 3, {k: m}) for k, m in moments.items()}
    outcome = Outcome(3, 3, 3, True, None, None, dims)  # type: ignore[arg-type]
    return group_figures("all", "Company", outcome, None, DIMENSION_KEYS)


def test_a_released_group_is_scored_by_the_model() -> None:
    moments = {
        "purpose_clarity": Moments.from_values([60, 70, 80]),
        "outcome_focus": Moments.from_values([75, 100, 50]),
        "felt_value": Moments.from_values([100]),
    }
    g = released_group(moments)
    assert [f.key for f in g.dimensions] == list(DIMENSION_KEYS)
    dims = {f.key: f for f in g.dimensions}
    pc = dims["purpose_clarity"]
    assert (pc.responses, pc.score, pc.favourable_share) == (3, 70.0, pytest.approx(1 / 3))
    assert pc.ci is not None and pc.ci.low == pytest.approx(45.158623, abs=1e-4)
    fv = dims["felt_value"]
    assert fv.score == 100.0 and fv.ci is None  # one response: no interval
    assert dims["ownership"].responses == 0 and dims["ownership"].score is None
    assert dims["outcome_focus"].score == 75.0
    # Employees' dimensions only (felt value is shown beside the index, never in it):
    # (0.2·70 + 0.2·75) / 0.4 = 72.5
    assert g.index == pytest.approx(72.5)
    assert g.level is not None and g.level.number == 4  # 70 – < 80


def test_a_released_group_with_nothing() -> None:
    g = released_group({})
    assert g.index is None and g.level is None
    with pytest.raises(ValueError):
        released_group({"morale": Moments.from_values([1, 2])})
