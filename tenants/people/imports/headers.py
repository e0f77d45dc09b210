"""Headers: which column of a file holds which field, by synonym (English and Spanish)."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l


def normalize_header(value: str) -> str:
    """ "Correo electrónico" → "correoelectronico"; "E-mail" → "email"."""
    decomposed = unicodedata.normalize("NFKD", value.replace("\ufeff", ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", plain.casefold())


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_COMMON = {
    "email": (
        "email emailaddress mail workemail businessemail corporateemail emailcorporativo "
        "correo correoelectronico correoe direcciondecorreo direcciondecorreoelectronico "
        "correocorporativo emailtrabajo correodeltrabajo emaildelempleado correodelempleado "
        "emaildelcliente correodelcliente"
    ),
    "name": (
        "name fullname displayname firstname givenname nombre nombrecompleto nombreyapellidos "
        "nombreapellidos employeename employee empleado nombredelempleado customername "
        "cliente nombredelcliente contacto contactname"
    ),
    "last_name": "lastname surname familyname apellido apellidos",
    "locale": (
        "locale language lang preferredlanguage idioma lengua idiomapreferido idiomadeencuesta"
    ),
}
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "employees": {
        **{name: _words(words) for name, words in _COMMON.items()},
        "team": _words("team teamname subteam equipo nombredelequipo subequipo grupo unidad unit"),
        "department": _words("department dept departamento depto area division orgunit seccion"),
        "manager_email": _words(
            "manager manageremail managersemail linemanager linemanageremail reportsto "
            "supervisor supervisoremail jefe jefa jefedirecto jefeinmediato correodeljefe "
            "correojefe emaildeljefe emailjefe responsable emailresponsable "
            "correoresponsable correodelresponsable emaildelresponsable responsabledirecto "
            "manager_email"
        ),
        "start_date": _words(
            "startdate start hiredate datehired dateofhire joindate joined joiningdate "
            "employmentstartdate fechadealta fechaalta alta fechadeincorporacion "
            "fechaincorporacion incorporacion fechadeingreso fechaingreso fechadeinicio "
            "fechainicio fechadecontratacion"
        ),
    },
    "customers": {
        **{name: _words(words) for name, words in _COMMON.items()},
        "segment": _words(
            "segment segmento customersegment segmentodecliente tier customertype "
            "tipodecliente categoria category"
        ),
        "team": _words(
            "team servingteam teamname equipo equipoquelosirve equipoqueloatiende "
            "equiporesponsable equipoasignado accountteam servidopor atendidopor"
        ),
        "department": _words("department departamento area division"),
        "consent": _words(
            "consent consentimiento optin acceptssurveys aceptaencuestas consiente "
            "permission permiso consentsurveys"
        ),
        "unsubscribed": _words(
            "unsubscribed unsubscribe optout baja dadodebaja desuscrito nosuscrito"
        ),
    },
}
_LOOKUP = {
    kind: {synonym: name for name, words in fields.items() for synonym in words}
    for kind, fields in SYNONYMS.items()
}
FIELD_LABELS = {
    "email": _l("email"),
    "name": _l("name"),
    "last_name": _l("last name"),
    "team": _l("team"),
    "department": _l("department"),
    "manager_email": _l("manager"),
    "locale": _l("language"),
    "start_date": _l("start date"),
    "segment": _l("segment"),
    "consent": _l("consent"),
    "unsubscribed": _l("unsubscribed"),
}


# The fields only one kind of file has: a customers file names a segment or consent, an
# employees file a manager or a start date (both may have a team, a department, a language).
_ONLY = {
    "employees": {s for f in ("manager_email", "start_date") for s in SYNONYMS["employees"][f]},
    "customers": {
        s for f in ("segment", "consent", "unsubscribed") for s in SYNONYMS["customers"][f]
    },
}


def kind_of(headers: list[str]) -> tuple[str | None, list[str]]:
    """The kind of file its headers show ("employees", "customers" or None when they do not
    say), with the headers that show it."""
    telling = {
        kind: [h.strip() for h in headers if normalize_header(h) in words]
        for kind, words in _ONLY.items()
    }
    employees, customers = telling["employees"], telling["customers"]
    if employees and not customers:
        return "employees", employees
    if customers and not employees:
        return "customers", customers
    return None, []


def map_headers(kind: str, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field (the first match wins), and the headers we ignore."""
    found: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(headers):
        name = _LOOKUP[kind].get(normalize_header(header))
        if name is None or name in found:
            if header.strip():
                ignored.append(header.strip())
            continue
        found[name] = index
    return found, ignored
