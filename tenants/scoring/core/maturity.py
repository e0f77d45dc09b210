"""The outcome-culture maturity model: six dimensions, the index and the five levels.

See docs/methodology.md for the reasoning behind every number in this module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from tenants.scoring.core.stats import SCALE_MAX, SCALE_MIN

Audience = Literal["employee", "customer"]


@dataclass(frozen=True, slots=True)
class Dimension:
    key: str
    audience: Audience
    weight: float
    label_en: str
    label_es: str
    description_en: str
    description_es: str

    def label(self, locale: str = "en") -> str:
        return self.label_es if locale.startswith("es") else self.label_en

    def description(self, locale: str = "en") -> str:
        return self.description_es if locale.startswith("es") else self.description_en


#: The six dimensions, in display order. The weights sum to 1. Knowing the why and
#: being judged by results are what define an outcome culture, so they weigh most;
#: ownership, adaptability and improvement are the habits that make it work; felt
#: value is the customer's side of the same story.
DIMENSIONS: Final[tuple[Dimension, ...]] = (
    Dimension(
        "purpose_clarity",
        "employee",
        0.20,
        "Purpose clarity",
        "Claridad de propósito",
        "People know why their work matters and whom it serves.",
        "Las personas saben por qué importa su trabajo y a quién sirve.",
    ),
    Dimension(
        "outcome_focus",
        "employee",
        0.20,
        "Outcome focus",
        "Enfoque en resultados",
        "Work is judged by the results it achieves, not by the tasks completed.",
        "El trabajo se juzga por los resultados que logra, no por las tareas completadas.",
    ),
    Dimension(
        "ownership",
        "employee",
        0.15,
        "Ownership",
        "Responsabilidad propia",
        "People own their work and are engaged in its success.",
        "Las personas se apropian de su trabajo y se comprometen con su éxito.",
    ),
    Dimension(
        "adaptability",
        "employee",
        0.15,
        "Adaptability",
        "Adaptabilidad",
        "People are free to change how work is done when it serves the purpose.",
        "Las personas pueden cambiar cómo se hace el trabajo cuando sirve al propósito.",
    ),
    Dimension(
        "improvement",
        "employee",
        0.15,
        "Continuous improvement",
        "Mejora continua",
        "Small changes are proposed, tried and kept when they work.",
        "Se proponen, prueban y mantienen pequeños cambios cuando funcionan.",
    ),
    Dimension(
        "felt_value",
        "customer",
        0.15,
        "Felt value",
        "Valor percibido",
        "Customers feel valued, recognised and pleasantly surprised.",
        "Los clientes se sienten valorados, reconocidos y gratamente sorprendidos.",
    ),
)

DIMENSION_KEYS: Final[tuple[str, ...]] = tuple(d.key for d in DIMENSIONS)
EMPLOYEE_DIMENSIONS: Final[tuple[str, ...]] = tuple(
    d.key for d in DIMENSIONS if d.audience == "employee"
)
_BY_KEY: Final[dict[str, Dimension]] = {d.key: d for d in DIMENSIONS}

#: Rollups and released moments keep a dimension's anchor item under ``<dimension>:anchor``.
ANCHOR_SUFFIX: Final = ":anchor"


def anchor_key(dimension_key: str) -> str:
    """The name under which ``dimension_key``'s anchor item is summed (methodology §6)."""
    return dimension_key + ANCHOR_SUFFIX


def dimension(key: str) -> Dimension:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown dimension {key!r}") from None


def culture_index(dimension_means: Mapping[str, float | None]) -> float | None:
    """The Outcome Culture Index (0-100): the weighted mean of the employee dimensions
    present, with the weights re-normalised over them; the same definition for the company
    and every team (methodology §3). Customers' felt value, if given, is left out: it is shown
    beside the index, never in it. None when no employee dimension has a score."""
    scores: dict[str, float] = {}
    for key, value in dimension_means.items():
        dimension(key)  # rejects unknown keys
        if value is None:
            continue
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise ValueError(f"{key} must be within 0-100, got {value!r}")
        if key in EMPLOYEE_DIMENSIONS:
            scores[key] = float(value)
    if not scores:
        return None
    weight = math.fsum(_BY_KEY[k].weight for k in scores)
    return math.fsum(_BY_KEY[k].weight * v for k, v in scores.items()) / weight


# --------------------------------------------------------------------------- levels


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    key: str
    #: The lowest index (inclusive) at this level.
    min_index: float
    name_en: str
    name_es: str
    description_en: str
    description_es: str

    def name(self, locale: str = "en") -> str:
        return self.name_es if locale.startswith("es") else self.name_en

    def description(self, locale: str = "en") -> str:
        return self.description_es if locale.startswith("es") else self.description_en


#: Five levels. The bounds are read on the 1-5 agreement scale (index = (answer-1)·25):
#: below 40 people lean to disagree (< 2.6), 40-55 is around neutral, 55-70 leans to
#: agree, 70-80 is close to agreeing (3.8-4.2), and 80+ means the average person agrees.
LEVELS: Final[tuple[Level, ...]] = (
    Level(
        1,
        "task_driven",
        0.0,
        "Task-driven",
        "Orientada a tareas",
        "Work is done to complete tasks.",
        "El trabajo se hace para completar tareas.",
    ),
    Level(
        2,
        "aware",
        40.0,
        "Aware",
        "Consciente",
        "People start to ask why; outcomes are talked about but rarely measured.",
        "Se empieza a preguntar por qué; se habla de resultados, pero rara vez se miden.",
    ),
    Level(
        3,
        "developing",
        55.0,
        "Developing",
        "En desarrollo",
        "Some teams set outcomes and look at results; habits vary from team to team.",
        "Algunos equipos fijan resultados y los revisan; los hábitos varían entre equipos.",
    ),
    Level(
        4,
        "outcome_focused",
        70.0,
        "Outcome-focused",
        "Enfocada en resultados",
        "Most people know the why and are judged by results; improvement is not yet a habit "
        "everywhere.",
        "La mayoría conoce el porqué y se le juzga por resultados; la mejora aún no es un "
        "hábito en todas partes.",
    ),
    Level(
        5,
        "outcome_culture",
        80.0,
        "Outcome culture",
        "Cultura de resultados",
        "People know the why, measure outcomes and improve continuously.",
        "Las personas conocen el porqué, miden resultados y mejoran continuamente.",
    ),
)


_BOUNDARY_EPSILON: Final = 1e-9


def maturity_level(index: float) -> Level:
    """The level whose band holds ``index`` (each band's lower bound is inclusive)."""
    if not SCALE_MIN <= index <= SCALE_MAX:
        raise ValueError(f"index must be within 0-100, got {index!r}")
    found = LEVELS[0]
    for level in LEVELS:
        # A weighted mean of 80s can come out as 79.99999999999999: allow for it.
        if index >= level.min_index - _BOUNDARY_EPSILON:
            found = level
    return found
