"""Forms of the people area (WTForms with CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from saas.i18n import locale_choices
from tenants.people.service import normalize_email

STATUS_CHOICES = [("active", _l("Active")), ("inactive", _l("Inactive")), ("all", _l("All"))]


class EmailAddress:
    """The same rule as the imports and the API (``service.normalize_email``)."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data and normalize_email(field.data) is None:
            raise ValidationError(_l("Enter a valid email address."))


class EmployeeForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=254), EmailAddress()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    team_id = SelectField(_l("Team"), coerce=int, default=0)
    manager_email = StringField(
        _l("Manager's email"), validators=[Optional(), Length(max=254), EmailAddress()]
    )
    locale = SelectField(_l("Survey language"), choices=locale_choices, default="en")
    start_date = DateField(_l("Start date"), validators=[Optional()])


class CustomerForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=254), EmailAddress()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    segment = StringField(_l("Segment"), validators=[Optional(), Length(max=60)])
    serving_team_id = SelectField(_l("Serving team"), coerce=int, default=0)
    locale = SelectField(_l("Survey language"), choices=locale_choices, default="en")
    consent = BooleanField(_l("Agreed to be surveyed"), default=True)
    unsubscribed = BooleanField(_l("Unsubscribed"))


class TeamForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    parent_id = SelectField(_l("Inside"), coerce=int, default=0)


class ImportForm(FlaskForm):
    kind = SelectField(
        _l("What the file holds"),
        choices=[("employees", _l("Employees")), ("customers", _l("Customers"))],
        default="employees",
    )
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class ConfirmImportForm(FlaskForm):
    skip_invalid = BooleanField()
    deactivate_missing = BooleanField()
    # The number of people the confirmation page named: deactivating is refused unless the
    # admin confirmed exactly this many on that page.
    deactivate_count = IntegerField(validators=[Optional()])
