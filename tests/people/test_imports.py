"""CSV imports as an admin lives them: upload, preview, confirm, outcome. All or nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest

from saas.db import tenant_context
from saas.extensions import db
from tenants.people.aggregates import writes
from tenants.people.models import Customer, Employee, Team
from tests.factories.billing import billing_on, on_plan, with_seats
from tests.factories.people import hr_export
from tests.people.conftest import commit, count, employees, job, teams, upload


def test_the_preview_counts_rows_explains_bad_lines_and_lists_new_teams(client, company):
    job_id = upload(client, company, hr_export())
    preview = job(company, job_id)
    assert preview.status == "ready"
    assert (preview.total_rows, preview.new_rows, preview.invalid_rows) == (50, 47, 3)
    assert (preview.updated_rows, preview.unchanged_rows) == (0, 0)
    assert [(p["line"], p["code"]) for p in preview.problems] == [
        (10, "bad_email"),
        (20, "duplicate"),
        (30, "unknown_manager"),
    ]
    assert sorted(t["name"] for t in preview.teams_to_create) == ["Soporte", "Ventas"]
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert "Not a valid email address: “pedro.gomez@@acme.test”" in page
    assert "Duplicate: the same email is already on line 6" in page
    assert "Unknown manager: nadie@acme.test is neither in the file nor an existing employee" in (
        page
    )
    assert "2 teams will be created" in page
    assert "Import the 47 good rows and skip the 3 rows with problems" in page
    assert "Correo electrónico → email" in page
    # A preview writes nothing.
    assert count(company, Employee) == 0 and count(company, Team) == 0


def test_the_commit_needs_the_explicit_skip_and_then_imports_every_good_row(client, company):
    job_id = upload(client, company, hr_export())
    refused = commit(client, company, job_id)
    assert refused.status_code == 302
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert "3 rows have problems" in page and "tick" in page
    assert job(company, job_id).status == "ready" and count(company, Employee) == 0

    commit(client, company, job_id, skip_invalid="y")
    done = job(company, job_id)
    assert done.status == "done"
    assert (done.created_count, done.skipped_count) == (47, 3)
    people = employees(company)
    assert len(people) == 47
    marta, someone = people["marta.ruiz@acme.test"], people["persona7@acme.test"]
    assert (marta.name, marta.team.name, marta.locale) == ("Marta Ruiz", "Ventas", "es")
    assert marta.start_date == date(2019, 2, 1)  # day first: a Spanish header
    assert someone.name == "Persona; 7 Pérez" and someone.manager_email == "marta.ruiz@acme.test"
    assert "pedro.gomez@@acme.test" not in people and "luis.sanz@acme.test" not in people
    assert people["persona4@acme.test"].name == "Persona; 4 Pérez"  # the first line wins
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert "47 new, 0 updated, 0 unchanged" in page
    assert "3 rows with problems were skipped" in page and "Unknown manager" in page
    # The stored file is gone once imported.
    assert client.post(company.url(f"/imports/{job_id}/recheck")).status_code == 302
    assert job(company, job_id).status == "done"


@pytest.mark.slow
def test_the_story_4997_of_5000_rows_land_in_the_right_teams(client, company):
    job_id = upload(client, company, hr_export(good=4997))
    preview = job(company, job_id)
    assert (preview.total_rows, preview.new_rows, preview.invalid_rows) == (5000, 4997, 3)
    commit(client, company, job_id, skip_invalid="y")
    assert job(company, job_id).status == "done"
    people = employees(company)
    assert len(people) == 4997
    in_teams = {}
    for person in people.values():
        in_teams[person.team.name] = in_teams.get(person.team.name, 0) + 1
    assert in_teams == {"Ventas": 2499, "Soporte": 2498}


def test_a_failure_in_the_middle_of_a_commit_leaves_everything_as_it_was(
    client, company, monkeypatch
):
    first = upload(client, company, hr_export(good=10, bad=False))
    commit(client, company, first)
    before = {e.email: (e.name, e.team_id, e.active) for e in employees(company).values()}
    teams_before = teams(company)

    changed = hr_export(good=5, bad=False).replace(b"Ventas", b"Marketing")
    changed += b"nueva@acme.test;Nueva;Persona;Finanzas;;es;01/01/2024\r\n"

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writes, "deactivate_missing", explode)
    job_id = upload(client, company, changed)
    assert job(company, job_id).new_rows == 1
    missing = str(job(company, job_id).deactivate_rows)
    commit(client, company, job_id, deactivate_missing="y", deactivate_count=missing)
    failed = job(company, job_id)
    assert failed.status == "failed" and "nothing was changed" in failed.message
    after = {e.email: (e.name, e.team_id, e.active) for e in employees(company).values()}
    assert after == before  # the upsert that ran before the failure was rolled back
    assert teams(company) == teams_before  # and so were the new teams
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert "Nothing was changed" in page


def test_a_second_import_updates_what_changed_and_keeps_the_rest(client, company):
    commit(client, company, upload(client, company, hr_export(good=10, bad=False)))
    created_at = employees(company)["persona3@acme.test"].created_at
    lines = hr_export(good=10, bad=False).decode("utf-8-sig").split("\r\n")
    lines[4] = lines[4].replace("Ventas", "Soporte")  # persona3 changes team
    lines[5] = "persona4@acme.test;Cuatro;;;;;"  # a new name, every other cell empty
    lines.append("nuevo@acme.test;Nuevo;Fichaje;Soporte;persona3@acme.test;en;2024-05-06")
    job_id = upload(client, company, "\r\n".join(lines))
    preview = job(company, job_id)
    assert (preview.new_rows, preview.updated_rows, preview.unchanged_rows) == (1, 2, 8)
    commit(client, company, job_id)
    people = employees(company)
    assert people["persona3@acme.test"].team.name == "Soporte"
    assert people["persona3@acme.test"].created_at == created_at
    four = people["persona4@acme.test"]
    assert four.name == "Cuatro"
    assert (four.team.name, four.manager_email, four.start_date) == (
        "Soporte",
        "marta.ruiz@acme.test",
        date(2021, 3, 15),
    )  # empty cells keep what was stored
    assert people["nuevo@acme.test"].start_date == date(2024, 5, 6)
    assert job(company, job_id).updated_count == 2


def test_deactivating_the_people_missing_from_the_file_keeps_their_rows(client, company):
    commit(client, company, upload(client, company, hr_export(good=6, bad=False)))
    smaller = hr_export(good=4, bad=False)
    job_id = upload(client, company, smaller)
    assert job(company, job_id).deactivate_rows == 2
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert "2 active people are not in this file" in page
    assert 'name="deactivate_missing"' not in page  # not a tick box beside the import
    # Deactivating rides along with nothing: without its own confirmation it is refused.
    refused = commit(client, company, job_id, deactivate_missing="y")
    assert "needs its own confirmation" in client.get(refused.location).get_data(as_text=True)
    assert job(company, job_id).status == "ready"
    assert all(e.active for e in employees(company).values())
    confirm = client.get(company.url(f"/imports/{job_id}/deactivate")).get_data(as_text=True)
    assert "2 active people are not in this file and will be deactivated" in confirm
    assert "Yes, import and deactivate 2 people" in confirm
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', confirm))
    assert form["deactivate_count"] == "2"
    commit(client, company, job_id, deactivate_missing="y", deactivate_count="2")
    people = employees(company)
    assert len(people) == 6  # nobody is deleted
    assert {e.email for e in people.values() if not e.active} == {
        "persona4@acme.test",
        "persona5@acme.test",
    }
    assert job(company, job_id).deactivated_count == 2
    # Without the option, nobody is deactivated: a file with the two back reactivates them.
    commit(client, company, upload(client, company, hr_export(good=6, bad=False)))
    assert all(e.active for e in employees(company).values())


@pytest.fixture
def billing(app, monkeypatch):
    with billing_on(app, monkeypatch) as fake:
        yield fake


def test_the_seat_limit_is_checked_with_a_message_that_names_it(
    client, company, monkeypatch, billing
):
    on_plan(company.tenant, "starter")
    with_seats(monkeypatch, "starter", 5)
    job_id = upload(client, company, hr_export(good=6, bad=False))
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    message = "Your Starter plan includes 5 seats (active employees); this would bring you to 6."
    assert message in page
    commit(client, company, job_id)
    assert message in client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert count(company, Employee) == 0
    # Five fit; the sixth, added by hand, does not.
    commit(client, company, upload(client, company, hr_export(good=5, bad=False)))
    assert count(company, Employee) == 5
    response = client.post(
        company.url("/employees/new"),
        data={"email": "sexta@acme.test", "name": "Sexta", "team_id": "0", "locale": "es"},
    )
    assert "Your Starter plan includes 5 seats" in response.get_data(as_text=True)
    assert count(company, Employee) == 5


def test_each_reason_a_row_can_be_refused_for(client, company):
    rows = [
        "Email,Name,Team,Manager,Language,Start date",
        "ok@acme.test,Ok Person,Ops,,en,2024-01-31",
        "noname@acme.test,,Ops,,en,",  # line 3: a new employee needs a name
        ",Nobody,Ops,,en,",  # line 4: no email
        "date@acme.test,Bad Date,Ops,,en,31/31/2024",  # line 5
        "lang@acme.test,Bad Lang,Ops,,fr,",  # line 6
        "boss@acme.test,Boss Name,Ops,Jane Smith,en,",  # line 7: a name, not an email
        "self@acme.test,Self,Ops,self@acme.test,en,",  # line 8
        '"multi@acme.test","Multi',
        'Line",Ops,ok@acme.test,Spanish,06/01/2024',  # lines 9-10: one record, fine
        "mgr@acme.test,Has Boss,Ops,OK@acme.test,es-ES,2024-02-01",  # line 11: fine
    ]
    job_id = upload(client, company, "\n".join(rows))
    preview = job(company, job_id)
    assert [(p["line"], p["code"], p["field"]) for p in preview.problems] == [
        (3, "missing_field", "name"),
        (4, "missing_field", "email"),
        (5, "bad_date", "start_date"),
        (6, "bad_locale", "locale"),
        (7, "bad_manager_email", "manager_email"),
        (8, "own_manager", "manager_email"),
    ]
    assert preview.new_rows == 3
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    for text in (
        "Missing name.",
        "Missing email.",
        "Start date not understood: “31/31/2024”",
        "Language must be English (en) or Spanish (es), not “fr”.",
        "The manager must be an email address, not “Jane Smith”.",
    ):
        assert text in page
    commit(client, company, job_id, skip_invalid="y")
    people = employees(company)
    assert people["multi@acme.test"].name == "Multi Line"
    assert people["multi@acme.test"].locale == "es"
    assert people["multi@acme.test"].start_date == date(2024, 1, 6)  # Spain: day first
    assert people["mgr@acme.test"].manager_email == "ok@acme.test"


def test_files_we_cannot_read_fail_with_a_reason_and_change_nothing(client, company):
    workbook = upload(client, company, b"PK\x03\x04 not really a workbook", filename="x.xlsx")
    assert "save it as CSV" in job(company, workbook).message
    no_email = upload(client, company, "Nombre;Equipo\nAna;Ventas\n")
    failed = job(company, no_email)
    assert failed.status == "failed" and "No email column found" in failed.message
    assert "Nombre, Equipo" in failed.message
    empty = client.post(
        company.url("/imports"),
        data={"kind": "employees", "file": (__import__("io").BytesIO(b""), "empty.csv")},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 200 and "The file is empty." in empty.get_data(as_text=True)
    assert count(company, Employee) == 0


def test_an_excel_windows_file_in_cp1252_keeps_its_accents(client, company):
    content = "Correo;Nombre;Departamento\r\nines@acme.test;Inés Muñoz;Logística\r\n"
    job_id = upload(client, company, content.encode("cp1252"))
    commit(client, company, job_id)
    ines = employees(company)["ines@acme.test"]
    assert (ines.name, ines.team.name) == ("Inés Muñoz", "Logística")


def test_teams_are_created_nested_from_a_department_column_or_a_path(client, company):
    content = (
        "E-mail,Full name,Departamento,Equipo\n"
        "a@acme.test,A,Comercial,Ventas Online\n"
        "b@acme.test,B,,Producto > Diseño\n"
        "c@acme.test,C,Comercial,\n"
    )
    job_id = upload(client, company, content)
    planned = job(company, job_id).teams_to_create
    assert {(t["name"], t["parent"]) for t in planned} == {
        ("Comercial", None),
        ("Ventas Online", "Comercial"),
        ("Producto", None),
        ("Diseño", "Producto"),
    }
    commit(client, company, job_id)
    assert teams(company) == {
        "Comercial": None,
        "Ventas Online": "Comercial",
        "Producto": None,
        "Diseño": "Producto",
    }
    people = employees(company)
    assert people["c@acme.test"].team.name == "Comercial"
    assert job(company, job_id).teams_created


def test_customers_import_with_segments_serving_teams_and_consent(client, company):
    content = (
        "\ufeffCorreo;Nombre;Segmento;Equipo responsable;Idioma;Consentimiento;Baja\n"
        "cliente1@mail.test;Cliente Uno;Retail;Atención;es;sí;no\n"
        "cliente2@mail.test;Cliente Dos;Enterprise;Cuentas;en;no;\n"
        "cliente3@mail.test;Cliente Tres;SMB;;es;quizá;\n"
    )
    job_id = upload(client, company, content, kind="customers", filename="crm.csv")
    preview = job(company, job_id)
    assert [(p["line"], p["code"]) for p in preview.problems] == [(4, "bad_value")]
    commit(client, company, job_id, skip_invalid="y")
    with tenant_context(company.id):
        one = db.session.query(Customer).filter_by(email="cliente1@mail.test").one()
        two = db.session.query(Customer).filter_by(email="cliente2@mail.test").one()
        assert (one.segment, one.serving_team.name, one.consent) == ("Retail", "Atención", True)
        assert (two.segment, two.consent, two.locale) == ("Enterprise", False, "en")
        one.unsubscribed = True  # the customer unsubscribed from a survey
        db.session.commit()
    # A later CRM file saying "no" never resubscribes anybody.
    again = upload(client, company, content, kind="customers")
    commit(client, company, again, skip_invalid="y")
    db.session.expire_all()
    with tenant_context(company.id):
        one = db.session.query(Customer).filter_by(email="cliente1@mail.test").one()
        assert one.unsubscribed is True


def test_the_page_refreshes_itself_while_the_worker_is_busy(client, company):
    job_id = upload(client, company, hr_export(good=3, bad=False))
    with tenant_context(company.id):
        job(company, job_id).status = "checking"
        db.session.commit()
    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Checking your file" in page


def test_an_import_can_be_discarded(client, company):
    job_id = upload(client, company, hr_export(good=3, bad=False))
    client.post(company.url(f"/imports/{job_id}/discard"))
    assert job(company, job_id).status == "discarded"
    assert commit(client, company, job_id).status_code == 302
    assert count(company, Employee) == 0


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail", "email"),
        ("Correo electrónico", "email"),
        ("  EMAIL ADDRESS ", "email"),
        ("Nombre", "name"),
        ("Equipo", "team"),
        ("Departamento", "department"),
        ("Jefe", "manager_email"),
        ("Responsable", "manager_email"),
        ("Manager", "manager_email"),
        ("Idioma", "locale"),
        ("Fecha de alta", "start_date"),
        ("Start date", "start_date"),
    ],
)
def test_header_synonyms(header, field):
    from tenants.people.imports.headers import map_headers

    assert map_headers("employees", [header])[0] == {field: 0}
