"""The built-in customer items: felt value (valued, recognised, pleasantly surprised), the
likelihood to recommend, and one comment."""

from __future__ import annotations

from typing import Final

from .question import BankQuestion, Scale


def _customer(key: str, text_en: str, text_es: str, scale: Scale = "agree5") -> BankQuestion:
    return BankQuestion(key, "felt_value", scale, text_en, text_es, "customer")


_CUSTOMER_BANK: Final[tuple[BankQuestion, ...]] = (
    _customer(
        "cu_felt_valued",
        "I felt valued as a customer.",
        "Sentí que me valoraban como cliente.",
    ),
    _customer(
        "cu_recognised",
        "They remembered who I am and what matters to me.",
        "Recordaron quién soy y qué es importante para mí.",
    ),
    _customer(
        "cu_pleasant_surprise",
        "Something about this experience pleasantly surprised me.",
        "Algo de esta experiencia me sorprendió gratamente.",
    ),
    _customer(
        "cu_made_difference",
        "This interaction made a real difference to me.",
        "Esta interacción marcó una diferencia real para mí.",
    ),
    _customer(
        "cu_genuine_care",
        "I felt they genuinely cared about things going well for me.",
        "Sentí que de verdad les importaba que las cosas me salieran bien.",
    ),
    _customer(
        "cu_beyond_expected",
        "They went beyond what I expected.",
        "Fueron más allá de lo que esperaba.",
    ),
    _customer(
        "cu_recommend",
        "How likely are you to recommend us to someone you know?",
        "¿Con qué probabilidad nos recomendaría a alguien que conozca?",
        scale="ten",
    ),
    _customer(
        "cu_comment",
        "Is there anything you would like to tell us about your experience?",
        "¿Hay algo que quiera contarnos sobre su experiencia?",
        scale="comment",
    ),
)


def customer_bank() -> tuple[BankQuestion, ...]:
    """The built-in customer items (all ``felt_value``), the optional comment last."""
    return _CUSTOMER_BANK
