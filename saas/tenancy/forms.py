from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from saas.auth.forms import country_choices, timezone_choices
from saas.i18n import locale_choices


class TenantSettingsForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField(
        _l("Contact email (Reply-To of survey emails)"), validators=[Optional(), Email()]
    )
    country = SelectField(_l("Country (decides A4 or US Letter for reports)"))
    timezone = SelectField(_l("Time zone"))
    locale = SelectField(_l("Default language"), choices=locale_choices)
    anonymity_threshold = IntegerField(
        _l("Anonymity threshold (smallest group whose figures are shown)"),
        validators=[DataRequired(), NumberRange(min=3, max=50)],
    )
    comment_threshold = IntegerField(
        _l("Comment threshold (smallest group whose comments are shown)"),
        validators=[DataRequired(), NumberRange(min=3, max=100)],
    )
    require_two_factor = BooleanField(
        _l("Owners and admins must sign in with two-factor authentication")
    )
    accent_color = StringField(
        _l("Accent colour"),
        validators=[
            DataRequired(),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #1f5fa8.")),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.timezone.choices = timezone_choices()

    def validate_comment_threshold(self, field: IntegerField) -> None:
        from wtforms.validators import ValidationError

        if (field.data or 0) < (self.anonymity_threshold.data or 0):
            raise ValidationError(_l("Comments need at least the anonymity threshold."))


class LogoForm(FlaskForm):
    logo = FileField(
        _l("Logo (PNG or JPEG)"),
        validators=[FileAllowed(["png", "jpg", "jpeg"], _l("PNG or JPEG only."))],
    )
