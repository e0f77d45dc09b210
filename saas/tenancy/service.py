"""Creating tenants and managing what a tenant is (name, locale, threshold, branding)."""

from __future__ import annotations

import io
import re
import unicodedata

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from saas import audit, hooks
from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant

RESERVED_SLUGS = frozenset({"api", "admin", "platform", "static", "new", "t", "r", "www"})
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 600
# What a tenant's owners and admins may change on the settings page.
SETTINGS = (
    "name",
    "contact_email",
    "country",
    "timezone",
    "locale",
    "anonymity_threshold",
    "comment_threshold",
    "accent_color",
    "require_two_factor",
)


class InvalidLogo(ValueError):
    pass


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:50] or "company"


def tenant_by_slug(slug: str) -> Tenant | None:
    """A tenant by its URL slug (a look-up before there is a current tenant: unscoped)."""
    with unscoped():
        return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def unique_slug(name: str) -> str:
    base = slugify(name)
    if base in RESERVED_SLUGS:
        base = f"{base}-co"
    slug, counter = base, 2
    with unscoped():
        while db.session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
            slug, counter = f"{base}-{counter}", counter + 1
    return slug


def create_tenant(
    name: str,
    *,
    country: str = "US",
    timezone: str = "UTC",
    locale: str = "en",
    slug: str | None = None,
    contact_email: str | None = None,
) -> Tenant:
    tenant = Tenant(
        name=name.strip(),
        slug=slug or unique_slug(name),
        country=country.upper(),
        timezone=timezone,
        locale=locale,
        contact_email=contact_email,
    )
    db.session.add(tenant)
    db.session.flush()
    with tenant_context(tenant.id):
        hooks.run("onboarding", tenant)  # what areas give a new tenant (saas.hooks)
        db.session.flush()
    return tenant


def update_settings(tenant: Tenant, values: dict[str, object], actor: object) -> None:
    """Change the settings in ``values`` (keys of :data:`SETTINGS`); a new time zone moves
    what the areas scheduled (the ``timezone_changed`` hook)."""
    old_timezone = tenant.timezone
    for name in SETTINGS:
        if name in values:
            setattr(tenant, name, values[name])
    tenant.accent_color = tenant.accent_color.lower()
    if tenant.timezone != old_timezone:
        hooks.run("timezone_changed", tenant)
    audit.record("settings_changed", actor=actor)


def replace_logo(tenant: Tenant, data: bytes, actor: object) -> None:
    """Store a new logo (re-encoded, see :func:`reencode_logo`); raises :class:`InvalidLogo`."""
    tenant.logo, tenant.logo_mime = reencode_logo(data)
    tenant.logo_version += 1
    audit.record("settings_changed", actor=actor, field="logo")


def remove_logo(tenant: Tenant, actor: object) -> None:
    """Go back to the company's name in place of a logo (a new version: caches let go)."""
    tenant.logo, tenant.logo_mime = None, None
    tenant.logo_version += 1
    audit.record("settings_changed", actor=actor, field="logo_removed")


def reencode_logo(data: bytes) -> tuple[bytes, str]:
    """Accept PNG or JPEG only, and re-encode it so no crafted payload is ever served back."""
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidLogo("The logo must be smaller than 2 MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise InvalidLogo("The logo must be a PNG or JPEG image.")
            image.load()
            image.thumbnail((MAX_LOGO_SIDE, MAX_LOGO_SIDE))
            has_alpha = image.mode in ("RGBA", "LA", "P")
            clean = image.convert("RGBA" if has_alpha else "RGB")
            out = io.BytesIO()
            clean.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise InvalidLogo("The logo must be a PNG or JPEG image.") from exc
    return out.getvalue(), "image/png"


def contrast_text_color(hex_color: str) -> str:
    """Black or white, whichever reads better on the accent colour (WCAG relative luminance)."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if luminance > 0.179 else "#ffffff"
