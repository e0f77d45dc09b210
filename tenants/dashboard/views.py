"""The dashboard at /t/<slug>/."""

from __future__ import annotations

from flask import Blueprint, render_template

from saas.tenancy.resolve import any_member

bp = Blueprint("dashboard", __name__)


@bp.route("/t/<slug>/")
@any_member
def home() -> str:
    return render_template("dashboard/home.html")
