"""Forms of the question library."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tenants.surveys.bank import DIMENSION_LABELS
from tenants.surveys.service import DIMENSIONS_BY_AUDIENCE

TEXT_MAX = 500

AUDIENCE_LABELS: dict[str, Any] = {
    "employee": _l("Employees"),
    "customer": _l("Customers"),
}
SCALE_LABELS: dict[str, Any] = {
    "agree5": _l("Agree–disagree, 1 to 5"),
    "ten": _l("0 to 10"),
    "yes_no": _l("Yes or no"),
    "comment": _l("Free comment (optional to answer, not scored)"),
    "text": _l("Free text"),
    "achievement": _l("Just done (1) to purpose achieved (5)"),
}


def dimension_label(dimension: str | None, locale: str = "en") -> str:
    if dimension is None:
        return str(_l("No dimension (asked in every round)"))
    label = DIMENSION_LABELS.get(dimension)
    return label.get(locale) if label else dimension


class WordingForm(FlaskForm):
    text_en = TextAreaField(
        _l("Wording in English"), validators=[DataRequired(), Length(max=TEXT_MAX)]
    )
    text_es = TextAreaField(
        _l("Wording in Spanish"), validators=[DataRequired(), Length(max=TEXT_MAX)]
    )


class QuestionForm(WordingForm):
    audience = SelectField(
        _l("Asked of"), choices=[(key, label) for key, label in AUDIENCE_LABELS.items()]
    )
    dimension = SelectField(_l("Dimension"))
    scale = SelectField(
        _l("Answer scale"),
        choices=[(key, SCALE_LABELS[key]) for key in ("agree5", "ten", "yes_no", "comment")],
    )

    def __init__(self, *args: Any, locale: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dimensions = [d for group in DIMENSIONS_BY_AUDIENCE.values() for d in group]
        self.dimension.choices = [("", dimension_label(None))] + [
            (d, dimension_label(d, locale)) for d in dimensions
        ]

    def validate_dimension(self, field: SelectField) -> None:
        if field.data and field.data not in DIMENSIONS_BY_AUDIENCE.get(self.audience.data, ()):
            raise ValidationError(
                _l(
                    "This dimension is not asked of %(audience)s.",
                    audience=AUDIENCE_LABELS.get(self.audience.data, ""),
                ),
            )
