"""The built-in question bank, in English and Spanish.

Written by us for the product's idea: people who know the *why* behind their duties, work toward
outcomes rather than only completing tasks, own their work, are free to adapt how they work, and
seek small improvements; customers who feel valued. Every rating item is positively keyed (a
higher answer is always better), so scoring needs no reversal.

The Spanish is neutral for Spain and Latin America: items are first-person statements, and
where the respondent is addressed it is with *usted*; wording avoids gendered forms.

Keys are stable identifiers: a published item is never edited, it is retired and replaced by a
new key (the glossary's versioning rule). ``models.py`` stores these definitions.
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


def _employee(key: str, dimension: str, text_en: str, text_es: str) -> BankQuestion:
    return BankQuestion(key, dimension, "agree5", text_en, text_es, "employee")


def _customer(key: str, text_en: str, text_es: str, scale: Scale = "agree5") -> BankQuestion:
    return BankQuestion(key, "felt_value", scale, text_en, text_es, "customer")


_EMPLOYEE_BANK: Final[tuple[BankQuestion, ...]] = (
    # purpose_clarity: knowing the why.
    _employee(
        "pc_know_why",
        "purpose_clarity",
        "I know why each of my main responsibilities matters.",
        "Sé por qué es importante cada una de mis responsabilidades principales.",
    ),
    _employee(
        "pc_who_benefits",
        "purpose_clarity",
        "I can name who benefits from the work I do.",
        "Puedo decir quién se beneficia del trabajo que hago.",
    ),
    _employee(
        "pc_reason_given",
        "purpose_clarity",
        "When I am given a task, the reason behind it is explained to me.",
        "Cuando me asignan una tarea, me explican la razón de ser de esa tarea.",
    ),
    _employee(
        "pc_company_goals",
        "purpose_clarity",
        "I understand how my work contributes to the goals of the organisation.",
        "Entiendo cómo mi trabajo contribuye a los objetivos de la organización.",
    ),
    _employee(
        "pc_team_shared",
        "purpose_clarity",
        "My team shares a clear understanding of why our work matters.",
        "En mi equipo compartimos una idea clara de por qué nuestro trabajo es importante.",
    ),
    _employee(
        "pc_explain_newcomer",
        "purpose_clarity",
        "I could explain to a newcomer the purpose of what our team does.",
        "Podría explicar a una persona recién llegada el propósito de lo que hace nuestro equipo.",
    ),
    _employee(
        "pc_rules_reasons",
        "purpose_clarity",
        "I understand the reasons behind the rules and procedures I follow.",
        "Entiendo las razones de las normas y los procedimientos que sigo.",
    ),
    # outcome_focus: judged by results, not tasks.
    _employee(
        "of_judged_by_results",
        "outcome_focus",
        "My work is judged by the results it achieves, not by the hours or tasks I put in.",
        "Mi trabajo se evalúa por los resultados que logra, no por las horas o tareas que acumulo.",
    ),
    _employee(
        "of_check_outcome",
        "outcome_focus",
        "After finishing a task, I check whether it achieved what it was meant to.",
        "Después de terminar una tarea, compruebo si logró lo que se buscaba con ella.",
    ),
    _employee(
        "of_know_success",
        "outcome_focus",
        "I know what a good result looks like in my work.",
        "Sé cómo es un buen resultado en mi trabajo.",
    ),
    _employee(
        "of_goals_are_outcomes",
        "outcome_focus",
        "Our team's goals describe outcomes for people, not only activities to complete.",
        "Los objetivos de nuestro equipo describen resultados para las personas, "
        "no solo actividades por completar.",
    ),
    _employee(
        "of_done_means_achieved",
        "outcome_focus",
        "In my team, a task counts as finished when its purpose is achieved, "
        "not just when it is done.",
        "En mi equipo, una tarea se da por terminada cuando se cumple su propósito, "
        "no solo cuando se realiza.",
    ),
    _employee(
        "of_review_difference",
        "outcome_focus",
        "We regularly look at whether our work is making the difference it should.",
        "Revisamos con regularidad si nuestro trabajo está marcando la diferencia que debería.",
    ),
    _employee(
        "of_recognised_outcomes",
        "outcome_focus",
        "I am recognised for the outcomes I achieve, not only for the effort I make.",
        "Se me reconocen los resultados que logro, no solo el esfuerzo que hago.",
    ),
    # ownership: ownership and engagement.
    _employee(
        "ow_responsible_results",
        "ownership",
        "I feel responsible for the results of my work, not only for doing my part.",
        "Me siento responsable de los resultados de mi trabajo, no solo de hacer mi parte.",
    ),
    _employee(
        "ow_make_decisions",
        "ownership",
        "I can make decisions about my work without waiting for approval on every detail.",
        "Puedo tomar decisiones sobre mi trabajo sin esperar aprobación para cada detalle.",
    ),
    _employee(
        "ow_act_on_problems",
        "ownership",
        "When I see a problem, I act on it or raise it rather than wait for someone else.",
        "Cuando veo un problema, actúo o lo planteo en lugar de esperar "
        "a que otra persona lo haga.",
    ),
    _employee(
        "ow_care_for_users",
        "ownership",
        "I care about how my work turns out for the people who depend on it.",
        "Me importa cómo resulta mi trabajo para las personas que dependen de él.",
    ),
    _employee(
        "ow_see_through",
        "ownership",
        "I see my work through to the end, even when something unexpected gets in the way.",
        "Llevo mi trabajo hasta el final, aunque surja algún imprevisto.",
    ),
    _employee(
        "ow_worthwhile",
        "ownership",
        "I give my best at work because I find it worthwhile.",
        "Doy lo mejor de mí en el trabajo porque siento que vale la pena.",
    ),
    _employee(
        "ow_proud",
        "ownership",
        "I am proud of what my work achieves.",
        "Me enorgullece lo que logra mi trabajo.",
    ),
    # adaptability: free to change how work is done.
    _employee(
        "ad_change_how",
        "adaptability",
        "I am free to change how I do my work when I find a better way.",
        "Tengo libertad para cambiar la forma de hacer mi trabajo "
        "cuando encuentro una manera mejor.",
    ),
    _employee(
        "ad_drop_steps",
        "adaptability",
        "If a step no longer serves its purpose, we can drop it.",
        "Si un paso ya no cumple su propósito, podemos eliminarlo.",
    ),
    _employee(
        "ad_question_process",
        "adaptability",
        "I can question an established process without it being held against me.",
        "Puedo cuestionar un proceso establecido sin que eso se vuelva en mi contra.",
    ),
    _employee(
        "ad_fit_situation",
        "adaptability",
        "I can adapt my approach to the needs of each situation or person.",
        "Puedo adaptar mi manera de trabajar a las necesidades de cada situación o persona.",
    ),
    _employee(
        "ad_lead_supports",
        "adaptability",
        "The person who leads my team supports me when I try a different way of working.",
        "Quien dirige mi equipo me apoya cuando pruebo una forma distinta de trabajar.",
    ),
    _employee(
        "ad_room_for_judgement",
        "adaptability",
        "Our rules leave room for judgement when a situation calls for it.",
        "Nuestras normas dejan margen para el propio criterio cuando la situación lo requiere.",
    ),
    _employee(
        "ad_adjust_quickly",
        "adaptability",
        "When circumstances change, we quickly adjust how we work.",
        "Cuando cambian las circunstancias, ajustamos rápidamente nuestra forma de trabajar.",
    ),
    # improvement: continuous improvement, small changes.
    _employee(
        "im_small_changes",
        "improvement",
        "I regularly make small changes that improve how my work gets done.",
        "Con frecuencia hago pequeños cambios que mejoran la forma en que se hace mi trabajo.",
    ),
    _employee(
        "im_ideas_heard",
        "improvement",
        "When I suggest an improvement, it is listened to.",
        "Cuando propongo una mejora, me escuchan.",
    ),
    _employee(
        "im_ideas_acted_on",
        "improvement",
        "Good ideas from the team are put into practice quickly.",
        "Las buenas ideas del equipo se ponen en práctica con rapidez.",
    ),
    _employee(
        "im_learn_not_blame",
        "improvement",
        "When something goes wrong, we focus on learning rather than on blame.",
        "Cuando algo sale mal, nos centramos en aprender y no en buscar culpables.",
    ),
    _employee(
        "im_time_to_improve",
        "improvement",
        "I have time to improve how we work, not only to get the work done.",
        "Tengo tiempo para mejorar nuestra forma de trabajar, "
        "no solo para sacar el trabajo adelante.",
    ),
    _employee(
        "im_seek_feedback",
        "improvement",
        "I ask for feedback on my work so that I can do it better.",
        "Pido opiniones sobre mi trabajo para poder hacerlo mejor.",
    ),
    _employee(
        "im_try_and_keep",
        "improvement",
        "We try out small improvements and keep the ones that work.",
        "Probamos pequeñas mejoras y mantenemos las que funcionan.",
    ),
    # Optional free text; tagged outcome_focus for filtering, never scored.
    BankQuestion(
        "emp_comment_purpose",
        "outcome_focus",
        "comment",
        "What one thing would help you achieve the purpose of your work?",
        "¿Qué cosa concreta le ayudaría a lograr el propósito de su trabajo?",
        "employee",
    ),
)

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


def employee_bank() -> tuple[BankQuestion, ...]:
    """The built-in employee items, grouped by dimension, the optional comment last."""
    return _EMPLOYEE_BANK


def customer_bank() -> tuple[BankQuestion, ...]:
    """The built-in customer items (all ``felt_value``), the optional comment last."""
    return _CUSTOMER_BANK


def by_dimension(questions: Iterable[BankQuestion]) -> dict[str, tuple[BankQuestion, ...]]:
    """``questions`` grouped by dimension, known dimensions in glossary order, then any others."""
    groups: dict[str, list[BankQuestion]] = {}
    for question in questions:
        groups.setdefault(question.dimension, []).append(question)
    order = [d for d in DIMENSIONS if d in groups] + [d for d in groups if d not in DIMENSIONS]
    return {dimension: tuple(groups[dimension]) for dimension in order}


# The purpose map -------------------------------------------------------------------------------

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
