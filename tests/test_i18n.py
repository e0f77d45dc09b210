"""Spanish, as a person meets it: the switch, the sign-in and sign-up pages, a member's navigation,
a respondent's mail and page, and a catalogue with nothing left in English.

The pages read the compiled catalogue (messages.mo, built by `make translations`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_babel, get_domain

from saas.db import tenant_context
from saas.extensions import db
from saas.i18n import available_locales
from tenants.people.models import Employee
from tenants.pulses.models import Round
from tenants.pulses.outbox.invitation_mail import Templates
from tenants.pulses.respondent.language import languages
from tests.factories import html_of, link_in, login, make_tenant, make_user, text_of
from tests.factories.rounds import employee_round

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


def _translated(msgid: str, context: str | None = None, **values: object) -> str:
    """The catalogue's Spanish for ``msgid``, with ``values`` filled in."""
    message = _catalogue().get(msgid, context=context)
    assert message is not None and message.string and not message.fuzzy, msgid
    return message.string % values if values else message.string


def test_a_spanish_respondent_gets_the_mail_and_the_page_from_the_catalogue(ctx, client, outbox):  # type: ignore[no-untyped-def]
    tenant = make_tenant("Acme Ibérica", contact_email="personas@acme.test")
    employee_round(tenant, [("ana@acme.test", "es")], send=True)
    mail = outbox.last_to("ana@acme.test")
    assert mail["Content-Language"] == "es"
    assert mail["Subject"].startswith("Acme Ibérica: un pulso de ")
    assert re.search(r"\d+ preguntas, alrededor de \d+ minutos", mail["Subject"])
    for part in (text_of(mail), html_of(mail)):
        for words in (
            _translated("Hello,"),
            _translated("Answer the pulse"),
            _translated("This link is personal: please do not forward it."),
            _translated(
                "Questions? Reply to this email to reach %(company)s.", company="Acme Ibérica"
            ),
        ):
            assert words in part, words
        assert "Hello," not in part and "Answer the pulse" not in part

    page = client.get(link_in(mail, "/r/"))
    html = _text(page)
    assert '<html lang="es">' in html
    for words in (
        _translated("%(company)s pulse", company="Acme Ibérica"),
        _translated("Skip to the questions"),
        _translated("Next page"),
        _translated("Sent with Outcome Pulse"),
    ):
        assert words in html, words
    assert (
        "Pulso de Acme Ibérica" in html
        and "Next page" not in html
        and "Prefiero no decirlo" in html
    )


@pytest.fixture
def french(ctx, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A French catalogue of a few messages, compiled into an extra translations directory."""
    catalog = Catalog(locale="fr")
    catalog.add("Hello,", "Bonjour,")
    catalog.add("Next page", "Page suivante")
    catalog.add("Settings", "Paramètres")
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    babel = get_babel()
    monkeypatch.setattr(
        babel, "translation_directories", [*babel.translation_directories, str(tmp_path)]
    )
    monkeypatch.setattr(get_domain(), "cache", {})  # translations are cached per language
    return catalog


def _option(html: str, value: str) -> str | None:
    """The label of the ``<option>`` of ``value`` in ``html``, if there is one."""
    found = re.search(rf'<option\b[^>]*value="{value}"[^>]*>([^<]*)</option>', html)
    return found.group(1) if found else None


def test_a_third_language_is_a_catalogue_not_a_code_change(ctx, client, french):  # type: ignore[no-untyped-def]
    assert languages() == available_locales() == ("en", "es", "fr")
    tenant = make_tenant("Acme")
    made = employee_round(tenant, [("ana@acme.test", "fr")])
    with tenant_context(tenant.id):
        mail = Templates().get(db.session.get(Round, made.round_id), "fr")
    assert mail.lang == "fr" and "Bonjour," in mail.text and "Hello," not in mail.text

    html = _text(client.get(f"/r/{made.tokens['ana@acme.test']}"))
    assert '<html lang="fr">' in html and "Page suivante" in html
    for lang, name in (("en", "English"), ("es", "Español")):  # a switch to each other language
        assert f'hreflang="{lang}">{name}</a>' in html


def test_a_third_language_is_offered_in_the_member_ui(ctx, client, french):  # type: ignore[no-untyped-def]
    tenant = make_tenant("Acme")
    login(client, make_user(tenant, "owner"))
    settings = _text(client.get(f"/t/{tenant.slug}/settings"))
    assert [_option(settings, code) for code in ("en", "es", "fr")] == [
        "English",
        "Español",
        "Français",
    ]  # the company's default language
    for code, name in (("es", "Español"), ("fr", "Français")):  # the switch, to each other one
        assert f'lang="{code}">{name}</button>' in settings
    assert 'lang="en">English</button>' not in settings

    assert client.post("/lang/fr", data={"next": "/"}).status_code == 302
    page = _text(client.get(f"/t/{tenant.slug}/settings"))
    assert '<html lang="fr">' in page and "Paramètres" in _nav(page)
    for code, name in (("en", "English"), ("es", "Español")):
        assert f'lang="{code}">{name}</button>' in page
    assert 'lang="fr">Français</button>' not in page


def test_a_third_language_is_a_survey_language_for_people(ctx, client, french):  # type: ignore[no-untyped-def]
    tenant = make_tenant("Acme")
    login(client, make_user(tenant, "owner"))
    for form in ("employees/new", "customers/new"):
        html = _text(client.get(f"/t/{tenant.slug}/people/{form}"))
        assert _option(html, "fr") == "Français", form
    added = client.post(
        f"/t/{tenant.slug}/people/employees/new",
        data={"email": "ana@acme.test", "name": "Ana", "team_id": "0", "locale": "fr"},
    )
    assert added.status_code == 302
    with tenant_context(tenant.id):
        assert db.session.query(Employee).filter_by(email="ana@acme.test").one().locale == "fr"

    made = employee_round(tenant, [("ana@acme.test", "fr")])  # a test mail in French, too
    rounds = _text(client.get(f"/t/{tenant.slug}/rounds/{made.round_id}"))
    assert _option(rounds, "fr") == "Français"
