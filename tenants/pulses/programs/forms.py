"""Forms of employee and customer programs."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from tenants.pulses.programs import timing
from tenants.pulses.programs.service import (
    CUSTOMER_MAX_OPEN_DAYS,
    CUSTOMER_MAX_QUESTIONS,
    MAX_COOLDOWN_DAYS,
    MAX_DELAY_DAYS,
    MAX_GRACE_DAYS,
    MAX_OPEN_DAYS,
    MAX_QUESTIONS_PER_ROUND,
)


class ClearTimeField(TimeField):
    """A time whose wrong value ("25:99") says what is wrong, not "This field is required"."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            value = valuelist[0] if valuelist else ""
            raise ValueError(
                _l("“%(value)s” is not a time: use hours 00–23 and minutes 00–59, like 09:00.")
                % {"value": value}
            ) from exc


CADENCE_LABELS: dict[str, Any] = {
    "weekly": _l("Every week"),
    "biweekly": _l("Every two weeks"),
    "monthly": _l("Every month (its first chosen weekday)"),
    "quarterly": _l("Every quarter (its first chosen weekday)"),
}
WEEKDAY_LABELS: list[Any] = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _Reminders:
    """Up to three reminders, as three optional day counts."""

    reminder_1 = IntegerField(
        _l("First reminder, days after the send"),
        validators=[Optional(), NumberRange(min=1, max=89)],
    )
    reminder_2 = IntegerField(
        _l("Second reminder, days after the send"),
        validators=[Optional(), NumberRange(min=1, max=89)],
    )
    reminder_3 = IntegerField(
        _l("Third reminder, days after the send"),
        validators=[Optional(), NumberRange(min=1, max=89)],
    )

    def reminder_days(self) -> list[int]:
        fields = (self.reminder_1, self.reminder_2, self.reminder_3)  # type: ignore[attr-defined]
        return sorted({f.data for f in fields if f.data})

    def fill_reminders(self, days: list[int]) -> None:
        fields = (self.reminder_1, self.reminder_2, self.reminder_3)  # type: ignore[attr-defined]
        for field, day in zip(fields, [*sorted(days), None, None, None], strict=False):
            field.data = day

    def _check_reminders(self, open_days: int | None) -> None:
        fields = (self.reminder_1, self.reminder_2, self.reminder_3)  # type: ignore[attr-defined]
        seen: set[int] = set()
        for field in fields:
            if not field.data:
                continue
            if field.data in seen:
                field.errors.append(_l("Two reminders on the same day: change or clear one."))
            elif open_days and field.data >= open_days:
                field.errors.append(
                    _l("The round closes after %(days)s days: remind before that.", days=open_days)
                )
            seen.add(field.data)


class EmployeeProgramForm(_Reminders, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    cadence = SelectField(_l("How often"), choices=list(CADENCE_LABELS.items()))
    weekday = SelectField(
        _l("On"), coerce=int, choices=[(i, label) for i, label in enumerate(WEEKDAY_LABELS)]
    )
    send_time = ClearTimeField(
        _l("At (local time)"), validators=[InputRequired(_l("Say at what time, like 09:00."))]
    )
    # One limit speaks for the top: the cadence's (validate below), not a second, wider one.
    open_days = IntegerField(_l("Days open"), validators=[Optional(), NumberRange(min=1)])
    questions_per_round = IntegerField(
        _l("Questions per round"),
        validators=[DataRequired(), NumberRange(min=1, max=MAX_QUESTIONS_PER_ROUND)],
    )
    grace_days = IntegerField(
        _l("Grace period for new people, in days"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_GRACE_DAYS)],
    )
    teams = CheckboxListField(_l("Teams"), coerce=int, choices=[])

    def __init__(self, *args: Any, previous_cadence: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous_cadence = previous_cadence

    def effective_open_days(self) -> int | None:
        """The days open, or None for the cadence's default. A value left at the old cadence's
        default follows the new cadence."""
        cadence = self.cadence.data
        days = self.open_days.data
        if (
            days is not None
            and self.previous_cadence in timing.CADENCES
            and cadence != self.previous_cadence
            and days == timing.open_days_default(self.previous_cadence)  # type: ignore[arg-type]
        ):
            return None
        return days

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        cadence = self.cadence.data
        if cadence not in MAX_OPEN_DAYS:
            return False
        days = self.effective_open_days()
        effective = timing.open_days_default(cadence) if days is None else days
        if days is not None and days > MAX_OPEN_DAYS[cadence]:
            self.open_days.errors.append(
                _l(
                    "A round must close before the next one opens: at most %(days)s days "
                    "for this cadence.",
                    days=MAX_OPEN_DAYS[cadence],
                )
            )
        self._check_reminders(effective)
        return ok and not any(f.errors for f in self)


class CustomerProgramForm(_Reminders, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    delay_days = IntegerField(
        _l("Days after the interaction"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_DELAY_DAYS)],
    )
    cooldown_days = IntegerField(
        _l("Cooldown, in days"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_COOLDOWN_DAYS)],
    )
    sample_percent = IntegerField(
        _l("Monthly random sample, % of customers"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    open_days = IntegerField(
        _l("Days a pulse stays open"),
        validators=[DataRequired(), NumberRange(min=1, max=CUSTOMER_MAX_OPEN_DAYS)],
    )
    questions_per_round = IntegerField(
        _l("Questions per pulse"),
        validators=[DataRequired(), NumberRange(min=1, max=CUSTOMER_MAX_QUESTIONS)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        self._check_reminders(self.open_days.data)
        return ok and not any(f.errors for f in self)
