"""The members' form for API keys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ApiKeyForm(FlaskForm):
    name = StringField(
        _l("Name (what the key is for)"), validators=[DataRequired(), Length(max=80)]
    )
