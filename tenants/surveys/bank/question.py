"""What a built-in item is made of: languages, scales, audiences, dimensions, bilingual wording.

Every rating item is positively keyed (a higher answer is always better), so scoring needs no
reversal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal, get_args

Language = Literal["en", "es"]
LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)

Scale = Literal["agree5", "ten", "yes_no", "comment"]
SCALES: Final[tuple[Scale, ...]] = get_args(Scale)

Audience = Literal["employee", "customer"]
AUDIENCES: Final[tuple[Audience, ...]] = get_args(Audience)

EMPLOYEE_DIMENSIONS: Final = (
    "purpose_clarity",
    "outcome_focus",
    "ownership",
    "adaptability",
    "improvement",
)
CUSTOMER_DIMENSIONS: Final = ("felt_value",)
DIMENSIONS: Final = EMPLOYEE_DIMENSIONS + CUSTOMER_DIMENSIONS


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of wording in both languages."""

    en: str
    es: str

    def get(self, language: str) -> str:
        """The wording in ``language``; English for a language we do not have."""
        return self.es if language == "es" else self.en


DIMENSION_LABELS: Final[dict[str, Text]] = {
    "purpose_clarity": Text("Purpose clarity", "Claridad de propósito"),
    "outcome_focus": Text("Outcome focus", "Enfoque en resultados"),
    "ownership": Text("Ownership", "Responsabilidad propia"),
    "adaptability": Text("Adaptability", "Adaptabilidad"),
    "improvement": Text("Continuous improvement", "Mejora continua"),
    "felt_value": Text("Felt value", "Valor percibido"),
}

#: The answer values of each scale, lowest first; ``comment`` takes free text instead.
SCALE_VALUES: Final[dict[Scale, tuple[int, ...]]] = {
    "agree5": (1, 2, 3, 4, 5),
    "ten": tuple(range(11)),
    "yes_no": (0, 1),
    "comment": (),
}

#: Labels of scale values. ``agree5`` and ``yes_no`` label every value; ``ten`` its two ends.
SCALE_LABELS: Final[dict[Scale, dict[int, Text]]] = {
    "agree5": {
        1: Text("Strongly disagree", "Totalmente en desacuerdo"),
        2: Text("Disagree", "En desacuerdo"),
        3: Text("Neither agree nor disagree", "Ni de acuerdo ni en desacuerdo"),
        4: Text("Agree", "De acuerdo"),
        5: Text("Strongly agree", "Totalmente de acuerdo"),
    },
    "ten": {
        0: Text("Not at all likely", "Nada probable"),
        10: Text("Extremely likely", "Extremadamente probable"),
    },
    "yes_no": {
        0: Text("No", "No"),
        1: Text("Yes", "Sí"),
    },
    "comment": {},
}


@dataclass(frozen=True, slots=True)
class BankQuestion:
    """One built-in item. ``comment`` items are optional to answer and are not scored."""

    key: str
    dimension: str
    scale: Scale
    text_en: str
    text_es: str
    audience: Audience

    def text(self, language: str) -> str:
        """The item's wording in ``language`` (English for a language we do not have)."""
        return self.text_es if language == "es" else self.text_en

    @property
    def optional(self) -> bool:
        """Whether a respondent may leave it blank: comments only."""
        return self.scale == "comment"


def by_dimension(questions: Iterable[BankQuestion]) -> dict[str, tuple[BankQuestion, ...]]:
    """``questions`` grouped by dimension, known dimensions in glossary order, then any others."""
    groups: dict[str, list[BankQuestion]] = {}
    for question in questions:
        groups.setdefault(question.dimension, []).append(question)
    order = [d for d in DIMENSIONS if d in groups] + [d for d in groups if d not in DIMENSIONS]
    return {dimension: tuple(groups[dimension]) for dimension in order}
