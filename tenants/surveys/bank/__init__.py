"""The built-in question bank, in English and Spanish.

Written by us for the product's idea: people who know the *why* behind their duties, work toward
outcomes rather than only completing tasks, own their work, are free to adapt how they work, and
seek small improvements; customers who feel valued. Every rating item is positively keyed (a
higher answer is always better), so scoring needs no reversal.

The Spanish is neutral for Spain and Latin America: items are first-person statements, and
where the respondent is addressed it is with *usted*; wording avoids gendered forms.

Keys are stable identifiers: a published item is never edited, it is retired and replaced by a
new key (the glossary's versioning rule). ``models.py`` stores these definitions.

``question`` holds what an item is made of, ``employee`` and ``customer`` the items, and
``purpose_map`` the quarterly block; everything is imported from here.
"""

from .customer import customer_bank
from .employee import employee_bank
from .purpose_map import (
    ACHIEVEMENT_LABELS,
    PURPOSE_MAP_FIELDS,
    PURPOSE_MAP_INTRO,
    PURPOSE_MAP_TEXT_MAX,
    PURPOSE_MAP_TITLE,
    PurposeMapField,
    PurposeMapKind,
)
from .question import (
    AUDIENCES,
    CUSTOMER_DIMENSIONS,
    DIMENSION_LABELS,
    DIMENSIONS,
    EMPLOYEE_DIMENSIONS,
    LANGUAGES,
    SCALE_LABELS,
    SCALE_VALUES,
    SCALES,
    Audience,
    BankQuestion,
    Language,
    Scale,
    Text,
    by_dimension,
)


def _anchor_keys() -> frozenset[str]:
    """Each dimension's anchor: its first rating item in the built-in bank (listed first on
    purpose). Every round asks it, so quarters are compared on the same item
    (docs/methodology.md §6)."""
    anchors: dict[str, str] = {}
    for question in (*employee_bank(), *customer_bank()):
        if question.dimension is not None and question.scale != "comment":
            anchors.setdefault(question.dimension, question.key)
    return frozenset(anchors.values())


ANCHOR_KEYS: frozenset[str] = _anchor_keys()

__all__ = [
    "ACHIEVEMENT_LABELS",
    "ANCHOR_KEYS",
    "AUDIENCES",
    "CUSTOMER_DIMENSIONS",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "EMPLOYEE_DIMENSIONS",
    "LANGUAGES",
    "PURPOSE_MAP_FIELDS",
    "PURPOSE_MAP_INTRO",
    "PURPOSE_MAP_TEXT_MAX",
    "PURPOSE_MAP_TITLE",
    "SCALES",
    "SCALE_LABELS",
    "SCALE_VALUES",
    "Audience",
    "BankQuestion",
    "Language",
    "PurposeMapField",
    "PurposeMapKind",
    "Scale",
    "Text",
    "by_dimension",
    "customer_bank",
    "employee_bank",
]
