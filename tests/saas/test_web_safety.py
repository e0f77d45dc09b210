"""What every page promises: security headers, branded errors, logs without secrets, branding."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

from PIL import Image

from saas.db import tenant_context
from saas.extensions import db
from saas.tenancy.models import Tenant
from tests.factories import login, make_tenant, make_user

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_strict_csp_and_safe_cookies(client, ctx):
    page = client.get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    )
    assert "unsafe-inline" not in csp
    assert page.headers["Referrer-Policy"] and page.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/login", data={"email": "x@example.test", "password": "nope"})
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_templates_have_no_inline_scripts_or_styles():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if (
            "mail" in path.parts
        ):  # email clients need inline styles; mail is not served under our CSP
            continue
        source = path.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)", source)
            or re.search(r"\sstyle=", source)
            or "<style" in source
        ):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders


def test_errors_are_branded_pages_not_tracebacks(client, ctx):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "We could not find this page" in page.get_data(as_text=True)


def test_each_request_logs_one_structured_line_without_tokens(client, ctx, caplog):
    tenant = make_tenant("Logs Co")
    login(client, make_user(tenant, "owner"))
    secret_token = "SecretSurveyToken123456"
    with caplog.at_level(logging.INFO, logger="outcome_pulse.request"):
        client.get(f"/t/{tenant.slug}/")
        client.get(f"/r/{secret_token}?lang=es")
        client.get(f"/reset/{secret_token}")
    lines = [r for r in caplog.records if r.name == "outcome_pulse.request"]
    assert len(lines) == 3
    first = lines[0].fields
    assert first["tenant_id"] == tenant.id and first["status"] == 200
    assert (
        first["rule"] == "/t/<slug>/"
        and len(first["request_id"]) == 32
        and first["duration_ms"] >= 0
    )
    everything = json.dumps([r.fields for r in lines]) + caplog.text
    assert secret_token not in everything


def _image(fmt: str, size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def test_a_logo_is_re_encoded_and_the_accent_colour_is_served_as_a_stylesheet(client, ctx):
    tenant = make_tenant("Brand Co")
    login(client, make_user(tenant, "owner"))
    upload = client.post(
        f"/t/{tenant.slug}/settings/logo",
        data={"logo": (io.BytesIO(_image("JPEG")), "logo.jpg")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Tenant, tenant.id)
    assert stored.logo.startswith(b"\x89PNG") and stored.logo_version == 1
    logo = client.get(f"/brand/{tenant.slug}/1/logo.png")
    assert logo.mimetype == "image/png" and Image.open(io.BytesIO(logo.data)).size == (40, 20)
    refused = client.post(
        f"/t/{tenant.slug}/settings/logo",
        data={"logo": (io.BytesIO(_image("GIF")), "logo.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "PNG or JPEG" in refused.get_data(as_text=True)
    settings = {
        "name": "Brand Co",
        "contact_email": "",
        "country": "US",
        "timezone": "UTC",
        "locale": "en",
        "anonymity_threshold": 5,
        "comment_threshold": 10,
        "accent_color": "#FFCC00",
    }
    client.post(f"/t/{tenant.slug}/settings", data=settings)
    css = client.get(f"/brand/{tenant.slug}/1/brand.css").get_data(as_text=True)
    assert "--accent: #ffcc00" in css and "--on-accent: #000000" in css
    page = client.get(f"/t/{tenant.slug}/settings").get_data(as_text=True)
    assert 'type="color"' in page and 'value="#ffcc00"' in page  # a picker beside the text
    assert 'name="accent_color"' in page and "/static/js/settings.js" in page

    # The logo can be removed: the name shows again, and the old address serves nothing.
    assert "Remove the logo" in page
    removed = client.post(f"/t/{tenant.slug}/settings/logo/remove", follow_redirects=True)
    assert "Logo removed" in removed.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Tenant, tenant.id)
    assert stored.logo is None and stored.logo_version == 2
    assert client.get(f"/brand/{tenant.slug}/2/logo.png").status_code == 404
    assert "Remove the logo" not in client.get(f"/t/{tenant.slug}/settings").get_data(as_text=True)


def test_the_anonymity_threshold_can_never_go_below_three(client, ctx):
    tenant = make_tenant("Threshold Co")
    login(client, make_user(tenant, "owner"))
    page = client.post(
        f"/t/{tenant.slug}/settings",
        data={
            "name": "Threshold Co",
            "country": "US",
            "timezone": "UTC",
            "locale": "en",
            "anonymity_threshold": 2,
            "comment_threshold": 10,
            "accent_color": "#123456",
        },
    )
    assert page.status_code == 200 and "Number must be between 3 and 50" in page.get_data(
        as_text=True
    )
    with tenant_context(tenant.id):
        db.session.expire_all()
        assert db.session.get(Tenant, tenant.id).anonymity_threshold == 5
