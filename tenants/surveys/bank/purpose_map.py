"""The purpose map: the block employees answer once a quarter about one of their
responsibilities, its purpose, whether it is achieved or just done, a process done for its own
sake, and one small change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from .question import Text

PurposeMapKind = Literal["text", "achievement"]


@dataclass(frozen=True, slots=True)
class PurposeMapField:
    """One field of the purpose map block.

    ``text`` fields take free text up to ``max_length``; the ``achievement`` field takes 1-5 on
    ``ACHIEVEMENT_LABELS`` and is scored in ``dimension``.
    """

    key: str
    kind: PurposeMapKind
    required: bool
    label: Text
    help: Text
    dimension: str | None = None
    max_length: int | None = None


PURPOSE_MAP_TEXT_MAX: Final = 1000

#: Answers of the ``achievement`` field, from only doing the work to achieving its purpose.
ACHIEVEMENT_LABELS: Final[dict[int, Text]] = {
    1: Text("I just get it done", "Solo lo hago, sin más"),
    2: Text("I mostly just get it done", "En general, solo lo hago"),
    3: Text("Sometimes I achieve its purpose", "A veces logro su propósito"),
    4: Text("I mostly achieve its purpose", "En general, logro su propósito"),
    5: Text("I achieve its purpose", "Logro su propósito"),
}

PURPOSE_MAP_TITLE: Final = Text("Your purpose map", "Su mapa de propósito")
PURPOSE_MAP_INTRO: Final = Text(
    "Once a quarter, think of one of your responsibilities and tell us what it is for.",
    "Una vez por trimestre, piense en una de sus responsabilidades y cuéntenos para qué sirve.",
)

#: The purpose map block, asked of employees once a quarter, in display order.
PURPOSE_MAP_FIELDS: Final[tuple[PurposeMapField, ...]] = (
    PurposeMapField(
        key="responsibility",
        kind="text",
        required=True,
        label=Text("One of your responsibilities", "Una de sus responsabilidades"),
        help=Text(
            "Something you do regularly, in a few words, e.g. “answer support tickets”.",
            "Algo que hace con regularidad, en pocas palabras; por ejemplo, "
            "“responder las consultas de soporte”.",
        ),
        max_length=PURPOSE_MAP_TEXT_MAX,
    ),
    PurposeMapField(
        key="purpose",
        kind="text",
        required=True,
        label=Text("Why does it matter?", "¿Por qué es importante?"),
        help=Text(
            "Who benefits from it, and how? If you are not sure, say so: that is useful too.",
            "¿Quién se beneficia y de qué manera? Si no lo tiene claro, dígalo: "
            "también es información útil.",
        ),
        max_length=PURPOSE_MAP_TEXT_MAX,
    ),
    PurposeMapField(
        key="achievement",
        kind="achievement",
        required=True,
        label=Text(
            "Do you achieve its purpose, or do you just get it done?",
            "¿Logra su propósito o solo lo hace, sin más?",
        ),
        help=Text(
            "1 means you do it without knowing whether it achieves anything; "
            "5 means it reliably achieves its purpose.",
            "1 significa que lo hace sin saber si logra algo; "
            "5 significa que logra su propósito de forma constante.",
        ),
        dimension="outcome_focus",
    ),
    PurposeMapField(
        key="ritual_process",
        kind="text",
        required=False,
        label=Text(
            "A process that feels done for its own sake",
            "Un proceso que parece hacerse por hacer",
        ),
        help=Text(
            "Optional: a step, report or meeting that no longer seems to serve anyone.",
            "Opcional: un paso, informe o reunión que ya no parece servirle a nadie.",
        ),
        max_length=PURPOSE_MAP_TEXT_MAX,
    ),
    PurposeMapField(
        key="small_change",
        kind="text",
        required=False,
        label=Text("One small change that would help", "Un pequeño cambio que ayudaría"),
        help=Text(
            "Something small you or your team could change soon.",
            "Algo pequeño que usted o su equipo podrían cambiar pronto.",
        ),
        max_length=PURPOSE_MAP_TEXT_MAX,
    ),
)
