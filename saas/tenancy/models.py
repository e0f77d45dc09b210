"""The tenant: a subscribing company. Not itself tenant-scoped."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Base, utcnow

US_LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "CL", "CO", "VE", "PH", "GT", "CR", "PA"})


def _trial_end() -> datetime:
    """A new company's trial: 14 days, no card."""
    return utcnow() + timedelta(days=14)


class Tenant(Base):
    __tablename__ = "tenants"
    __table_args__ = (
        CheckConstraint("anonymity_threshold >= 3", name="threshold_floor"),
        CheckConstraint("comment_threshold >= anonymity_threshold", name="comment_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="US")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str] = mapped_column(String(2), default="en")
    anonymity_threshold: Mapped[int] = mapped_column(default=5)
    comment_threshold: Mapped[int] = mapped_column(default=10)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    accent_color: Mapped[str] = mapped_column(String(7), default="#1f5fa8")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mime: Mapped[str | None] = mapped_column(String(20))
    logo_version: Mapped[int] = mapped_column(default=0)
    # Owners and admins must sign in with a second factor (saas.auth.two_factor).
    require_two_factor: Mapped[bool] = mapped_column(default=False)
    # Billing (kept here so the entitlement function needs one row).
    plan: Mapped[str] = mapped_column(String(20), default="starter")
    status: Mapped[str] = mapped_column(String(20), default="trialing")
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(64))
    trial_ends_at: Mapped[datetime | None] = mapped_column(default=_trial_end)
    billing_interval: Mapped[str | None] = mapped_column(String(10))
    past_due_since: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    seats_synced_at: Mapped[datetime | None]  # the quantity follows seats at most once a day
    billing_notice: Mapped[str | None] = mapped_column(String(20))  # the last one mailed
    billing_notice_at: Mapped[datetime | None]
    comped: Mapped[bool] = mapped_column(default=False)  # free of charge (the demo)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def paper_size(self) -> str:
        return "letter" if self.country.upper() in US_LETTER_COUNTRIES else "A4"

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"
