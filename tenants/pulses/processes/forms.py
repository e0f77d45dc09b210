"""Forms of processes and of logging an interaction."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError


class ClearDateTimeField(DateTimeLocalField):
    """A date and time whose wrong value says what is wrong (not "This field is required")."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(
                _l("Give a real date and time, like 2026-03-24 09:30 (hours 00–23).")
            ) from exc


class ProcessForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    action = TextAreaField(
        _l("Action: what you do for the customer"),
        validators=[DataRequired(), Length(max=1000)],
    )
    outcome = TextAreaField(
        _l("Intended outcome: what the customer should feel or get"),
        validators=[DataRequired(), Length(max=1000)],
    )
    team_id = SelectField(_l("Owning team"), coerce=int, choices=[])
    program_id = SelectField(_l("Measured by"), coerce=int, choices=[])
    active = BooleanField(_l("Active (its interactions send pulses)"), default=True)


class InteractionForm(FlaskForm):
    customer_email = EmailField(
        _l("Customer email"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    process_id = SelectField(_l("Process"), coerce=int, choices=[])
    occurred_at = ClearDateTimeField(
        _l("When (local time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Say when it happened."))],
    )

    def validate_process_id(self, field: SelectField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose a process."))
