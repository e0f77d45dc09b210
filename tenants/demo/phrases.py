"""What demo respondents write in free-text answers, in English and Spanish: each person writes
in their own language."""

from __future__ import annotations

import random

Bilingual = tuple[str, str]
RESPONSIBILITIES: dict[str, list[Bilingual]] = {
    "Support": [
        ("Answer support tickets", "Responder las consultas de soporte"),
        ("Call customers back", "Devolver las llamadas a los clientes"),
        ("Update the help centre", "Actualizar el centro de ayuda"),
    ],
    "Logistics": [
        ("Load the delivery vans", "Cargar las furgonetas de reparto"),
        ("Plan the routes", "Planificar las rutas"),
        ("Count the stock", "Contar el inventario"),
    ],
    "Sales": [
        ("Prepare quotes", "Preparar presupuestos"),
        ("Visit customers", "Visitar a los clientes"),
        ("Update the pipeline", "Actualizar el embudo de ventas"),
    ],
    "Product": [
        ("Review pull requests", "Revisar los cambios de código"),
        ("Write release notes", "Escribir las notas de versión"),
        ("Fix reported bugs", "Corregir los errores notificados"),
    ],
    "People": [
        ("Run onboarding", "Organizar la incorporación"),
        ("Prepare payroll", "Preparar las nóminas"),
        ("Organise training", "Organizar la formación"),
    ],
}
PURPOSES: list[Bilingual] = [
    (
        "So customers get what they need without chasing us.",
        "Para que los clientes tengan lo que necesitan sin tener que perseguirnos.",
    ),
    ("So the team can plan its week.", "Para que el equipo pueda planificar su semana."),
    ("I am not sure who uses it.", "No tengo claro quién lo usa."),
    (
        "So problems are caught before a customer sees them.",
        "Para detectar los problemas antes de que los vea un cliente.",
    ),
    ("It is required by the process.", "Lo exige el procedimiento."),
]
RITUALS: list[Bilingual] = [
    ("The weekly status report nobody reads.", "El informe semanal que nadie lee."),
    ("Filling in the same data in two systems.", "Rellenar los mismos datos en dos sistemas."),
    ("The daily tasks-per-day count.", "El recuento diario de tareas por día."),
    ("Approval for small purchases.", "Pedir aprobación para compras pequeñas."),
]
SMALL_CHANGES: list[Bilingual] = [
    (
        "Share the customer's goal with the ticket.",
        "Incluir el objetivo del cliente en la consulta.",
    ),
    (
        "Skip the status meeting when there is nothing to decide.",
        "Saltarnos la reunión de seguimiento cuando no hay nada que decidir.",
    ),
    (
        "Ask the customer at the end whether we solved their problem.",
        "Preguntar al cliente al final si resolvimos su problema.",
    ),
    ("Put the route plan on one page.", "Poner el plan de rutas en una sola página."),
]
EMPLOYEE_COMMENTS: dict[str, list[Bilingual]] = {
    "Support": [
        (
            "Starting the week with one customer outcome changed how we talk about tickets.",
            "Empezar la semana con un resultado para un cliente cambió cómo hablamos de las "
            "consultas.",
        ),
        (
            "I finally know what a good week looks like for our customers.",
            "Por fin sé cómo es una buena semana para nuestros clientes.",
        ),
    ],
    "Logistics": [
        (
            "The tasks-per-day target makes us rush the loading.",
            "El objetivo de tareas por día nos hace cargar con prisas.",
        ),
        (
            "We count boxes, nobody asks whether deliveries arrive on time.",
            "Contamos cajas; nadie pregunta si los repartos llegan a tiempo.",
        ),
    ],
    "": [
        ("More time to finish things properly.", "Más tiempo para terminar bien las cosas."),
        ("Knowing what happened after we shipped.", "Saber qué pasó después de entregar."),
        ("Fewer meetings, clearer goals.", "Menos reuniones y objetivos más claros."),
    ],
}
BIRTHDAY_COMMENT: Bilingual = (
    "The birthday call was a lovely surprise.",
    "La llamada por mi cumpleaños fue una sorpresa preciosa.",
)
CUSTOMER_COMMENTS: list[Bilingual] = [
    ("They remembered my last order, thank you.", "Se acordaban de mi último pedido, gracias."),
    ("Delivery was late again.", "El pedido volvió a llegar tarde."),
    ("Quick and friendly answer.", "Respuesta rápida y amable."),
]


def say(rng: random.Random, pool: list[Bilingual], locale: str | None) -> str:
    """One answer from ``pool``, in the person's language."""
    en, es = rng.choice(pool)
    return es if locale == "es" else en
