"""The built-in employee items: five dimensions, seven statements each, and one comment.

People who know the *why* behind their duties, work toward outcomes rather than only completing
tasks, own their work, are free to adapt how they work, and seek small improvements.
"""

from __future__ import annotations

from typing import Final

from .question import BankQuestion


def _employee(key: str, dimension: str, text_en: str, text_es: str) -> BankQuestion:
    return BankQuestion(key, dimension, "agree5", text_en, text_es, "employee")


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


def employee_bank() -> tuple[BankQuestion, ...]:
    """The built-in employee items, grouped by dimension, the optional comment last."""
    return _EMPLOYEE_BANK
