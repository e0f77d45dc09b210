"""Account forms (WTForms with CSRF)."""

from __future__ import annotations

from zoneinfo import available_timezones

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from saas.auth.models import ROLES
from saas.i18n import locale_choices

MIN_PASSWORD = 10


def country_choices() -> list[tuple[str, str]]:
    from flask_babel import get_locale

    territories = Locale.parse(str(get_locale() or "en")).territories
    return sorted(
        ((code, name) for code, name in territories.items() if len(code) == 2 and code.isalpha()),
        key=lambda item: item[1],
    )


def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(
        z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )
    return [("UTC", "UTC"), *((z, z.replace("_", " ")) for z in zones)]


ROLE_LABELS = {
    "owner": _l("Owner"),
    "admin": _l("Admin"),
    "executive": _l("Executive"),
    "team_lead": _l("Team lead"),
}


def role_choices() -> list[tuple[str, str]]:
    return [(role, str(ROLE_LABELS[role])) for role in ROLES]


class StrongPassword:
    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        value = field.data or ""
        if len(value) < MIN_PASSWORD:
            raise ValidationError(_l("Use at least %(n)s characters.", n=MIN_PASSWORD))
        if value.lower() in {"password123", "outcomepulse", "qwertyuiop"} or len(set(value)) < 4:
            raise ValidationError(_l("This password is too easy to guess."))


class SignUpForm(FlaskForm):
    company = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Work email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), StrongPassword()])
    country = SelectField(_l("Country"), default="US")
    timezone = SelectField(_l("Time zone"), default="UTC")
    locale = SelectField(_l("Language"), choices=locale_choices, default="en")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.timezone.choices = timezone_choices()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class AcceptInviteForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), StrongPassword()])


class InviteMemberForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices)
    # Choices are the company's own teams (set by the view); any other id is refused.
    team_id = SelectField(
        _l("Team (for team leads)"), coerce=int, choices=[], validators=[Optional()]
    )


class ChangeRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
    # Choices are the company's own teams (set by the view); any other id is refused.
    team_id = SelectField(
        _l("Team (for team leads)"), coerce=int, choices=[], validators=[Optional()]
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(max=20)],
    )


class EnableTwoFactorForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    code = StringField(
        _l("The 6-digit code the app shows"), validators=[DataRequired(), Length(max=20)]
    )


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
