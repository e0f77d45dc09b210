"""Billing mail to a company's owners: trial ending, payment failed, payment recovered, and the
warnings before data of a canceled subscription is purged (30 and 7 days before)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from saas import mail
from saas.auth.models import Membership
from saas.billing.entitlements import PURGE_AFTER
from saas.db import tenant_context, unscoped, utcnow
from saas.extensions import db
from saas.tasks import task_app_context
from saas.tenancy.models import Tenant

log = logging.getLogger("outcome_pulse.billing")
TRIAL_WARNING = timedelta(days=3)
PURGE_WARNINGS = (("purge_30", timedelta(days=30)), ("purge_7", timedelta(days=7)))


def _subject(kind: str, tenant: Tenant) -> str:
    subjects = {
        "trial_ending": _(
            "Your Outcome Pulse trial for %(company)s ends soon", company=tenant.name
        ),
        "payment_failed": _("Payment failed for %(company)s on Outcome Pulse", company=tenant.name),
        "payment_recovered": _("Payment received for %(company)s: thank you", company=tenant.name),
        "purge_30": _(
            "%(company)s's Outcome Pulse data will be deleted in 30 days", company=tenant.name
        ),
        "purge_7": _(
            "%(company)s's Outcome Pulse data will be deleted in 7 days", company=tenant.name
        ),
    }
    return subjects[kind]


def owners() -> list[tuple[str, str, str]]:
    """``(email, name, locale)`` of the current tenant's owners."""
    members = db.session.scalars(select(Membership).where(Membership.role == "owner")).all()
    return [(m.user.email, m.user.name, m.user.locale) for m in members]


def purge_date(tenant: Tenant) -> datetime | None:
    """When a canceled company's data goes: 90 days after the cancellation, and never sooner
    than 7 days after its last warning."""
    if tenant.canceled_at is None:
        return None
    when = _aware(tenant.canceled_at) + PURGE_AFTER
    if tenant.billing_notice == "purge_7" and tenant.billing_notice_at is not None:
        when = max(when, _aware(tenant.billing_notice_at) + PURGE_WARNINGS[1][1])
    return when


def send(tenant: Tenant, kind: str, now: datetime | None = None) -> int:
    """Mail ``kind`` to the owners of ``tenant`` (the current tenant); returns how many."""
    link = mail.absolute_url("billing.page", slug=tenant.slug)
    now = now or utcnow()
    tenant.billing_notice, tenant.billing_notice_at = kind, now
    purge_on = purge_date(tenant)
    sent = 0
    for email, name, locale in owners():
        with force_locale(locale):
            text, html = mail.render_bodies(
                f"billing_{kind.split('_')[0] if kind.startswith('purge') else kind}",
                tenant=tenant,
                owner=name,
                link=link,
                kind=kind,
                trial_ends_at=tenant.trial_ends_at,
                purge_on=purge_on,
            )
            mail.send(
                mail.build_message(to=email, subject=_subject(kind, tenant), text=text, html=html)
            )
        sent += 1
    log.info("billing: %s mailed to %s owner(s) of tenant %s", kind, sent, tenant.id)
    return sent


def _each(condition: object, kind_for: object, now: datetime) -> None:
    with task_app_context(), unscoped():  # a session of its own: the caller's is left alone
        ids = list(db.session.scalars(select(Tenant.id).where(condition)))  # type: ignore[arg-type]
    for tenant_id in ids:
        with task_app_context(), tenant_context(tenant_id):
            tenant = db.session.get(Tenant, tenant_id)
            kind = kind_for(tenant) if tenant is not None else None  # type: ignore[operator]
            if kind and tenant.billing_notice != kind:  # type: ignore[union-attr]
                send(tenant, kind, now)  # type: ignore[arg-type]
                db.session.commit()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due(now: datetime) -> None:
    """Send the trial-ending and purge warnings that are due (each once)."""

    def trial(tenant: Tenant) -> str | None:
        return "trial_ending" if tenant.stripe_subscription_id is None else None

    _each(
        (Tenant.status == "trialing")
        & Tenant.trial_ends_at.is_not(None)
        & (Tenant.trial_ends_at <= now + TRIAL_WARNING)
        & (Tenant.trial_ends_at > now)
        & ~Tenant.comped,
        trial,
        now,
    )

    def purge(tenant: Tenant) -> str | None:
        left = _aware(tenant.canceled_at) + PURGE_AFTER - now  # type: ignore[operator]
        for kind, before in reversed(PURGE_WARNINGS):
            if left <= before:
                return kind
        return None

    _each(
        (Tenant.status == "canceled")
        & Tenant.canceled_at.is_not(None)
        & (Tenant.canceled_at <= now - (PURGE_AFTER - PURGE_WARNINGS[0][1])),
        purge,
        now,
    )
