"""Spanish, as a person meets it: the switch, the sign-in and sign-up pages, a member's navigation,
and a catalogue with nothing left in English.

The pages read the compiled catalogue (messages.mo, built by `make translations`).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from saas.extensions import db
from tests.helpers import login, make_tenant, make_user

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
COMPILED = CATALOGUE.with_suffix(".mo")

NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
BRACED = re.compile(r"\{(\w*)[^{}]*\}")


def _text(page) -> str:  # type: ignore[no-untyped-def]
    assert page.status_code == 200, page.status_code
    return page.get_data(as_text=True)


def _labels(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r"<label\b[^>]*>(.*?)</label>", html, re.S)
    ]


def _nav(html: str) -> list[str]:
    found = re.search(r'<nav class="tenant-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert found, "no tenant navigation on the page"
    return [label.strip() for label in re.findall(r"<a\b[^>]*>(.*?)</a>", found.group(1), re.S)]


def _placeholders(text: str) -> tuple[set[str], set[str], int]:
    """Named %(...)s placeholders, {...} fields, and escaped percent signs."""
    return set(NAMED.findall(text)), set(BRACED.findall(text)), text.count("%%")


def _catalogue():  # type: ignore[no-untyped-def]
    with CATALOGUE.open("rb") as f:
        return read_po(f)


def _forms(message) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(source, translation) pairs: one for a plain message, one per plural form otherwise."""
    if isinstance(message.id, (list, tuple)):
        ids = list(message.id)
        return [(ids[min(i, len(ids) - 1)], s) for i, s in enumerate(message.string)]
    return [(message.id, message.string)]


def test_the_compiled_catalogue_is_current() -> None:
    assert COMPILED.exists(), "translations are not compiled: run `make translations`"
    assert COMPILED.stat().st_mtime >= CATALOGUE.stat().st_mtime, (
        "messages.mo is older than messages.po: run `make translations`"
    )


def test_the_spanish_switch_turns_the_sign_in_page_spanish(client) -> None:  # type: ignore[no-untyped-def]
    english = _text(client.get("/login"))
    assert "Sign in" in english and "Iniciar sesión" not in english

    switched = client.post("/lang/es", data={"next": "/login"})
    assert switched.status_code == 302

    page = _text(client.get("/login"))
    assert "<h1>Iniciar sesión</h1>" in page
    assert "¿Olvidó su contraseña?" in page
    assert "Contraseña" in _labels(page)
    assert "Sign in" not in page


def test_the_sign_up_page_labels_are_spanish(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/lang/es", data={"next": "/signup"})
    page = _text(client.get("/signup"))
    labels = _labels(page)
    for label in (
        "Nombre de la empresa",
        "Su nombre",
        "Correo electrónico del trabajo",
        "Contraseña",
        "País",
        "Zona horaria",
        "Idioma",
    ):
        assert label in labels, f"{label!r} not among the labels {labels}"
    assert "Company name" not in page and "Work email" not in page
    assert "Crear empresa" in page


def test_a_spanish_member_sees_the_navigation_in_spanish(client, ctx) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant("Acme Ibérica", locale="es", country="ES", timezone="Europe/Madrid")
    owner = make_user(tenant, "owner")
    owner.locale = "es"  # what accepting an invitation to a Spanish company sets
    db.session.commit()
    login(client, owner)

    nav = _nav(_text(client.get(f"/t/{tenant.slug}/members")))
    for label in ("Panel", "Personas", "Pulsos", "Miembros", "Configuración"):
        assert label in nav, f"{label!r} not in the navigation {nav}"
    for english in ("Dashboard", "People", "Pulses", "Members", "Settings"):
        assert english not in nav


def test_an_english_member_of_the_same_kind_of_company_keeps_english(client, ctx) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant("Acme Ibérica", locale="es")
    owner = make_user(tenant, "owner")  # the user's own language (English) comes first
    login(client, owner)
    nav = _nav(_text(client.get(f"/t/{tenant.slug}/members")))
    assert "Dashboard" in nav and "Panel" not in nav


def test_every_message_is_translated() -> None:
    untranslated = []
    for message in _catalogue():
        if not message.id:
            continue
        if message.fuzzy or not all(s.strip() for _, s in _forms(message)):
            untranslated.append(message.id)
    assert not untranslated, f"{len(untranslated)} untranslated or fuzzy: {untranslated[:10]}"


def test_placeholders_match() -> None:
    wrong = []
    for message in _catalogue():
        if not message.id:
            continue
        for source, translation in _forms(message):
            if not translation:
                continue
            if _placeholders(source) != _placeholders(translation):
                wrong.append((source, translation))
    assert not wrong, wrong


def test_babel_finds_no_format_errors() -> None:
    errors = [(m.id, [str(e) for e in errs]) for m, errs in _catalogue().check()]
    assert not errors, errors
