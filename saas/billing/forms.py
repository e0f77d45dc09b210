"""The one billing form: a plan and an interval to check out."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from saas.billing import plans


class CheckoutForm(FlaskForm):
    plan = HiddenField(validators=[AnyOf(list(plans.PLANS))])
    interval = HiddenField(validators=[AnyOf(list(plans.INTERVALS))])
