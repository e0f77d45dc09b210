"""The respondent's language, and dates written out in it: shared by the respondent's mails
(``outbox.invitation_mail``) and pages (``respondent.views``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from saas.i18n import available_locales


def languages() -> tuple[str, ...]:
    """The languages a respondent can get: the product's (``saas.i18n.available_locales``), so
    that a third language is a catalog (``translations/<lang>``), not a code change."""
    return available_locales()


def lang_of(locale: str | None) -> str:
    """``locale`` if the product speaks it, else the default language."""
    known = languages()
    return locale if locale in known else known[0]


def local_date_text(moment: datetime, timezone: str | None, lang: str) -> str:
    """``moment``'s date in the tenant's time zone, written out in ``lang``."""
    local = moment.astimezone(ZoneInfo(timezone or "UTC")).date()
    return format_date(local, format="long", locale=lang)
