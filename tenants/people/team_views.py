"""The teams page: the tree, adding a team, renaming and moving one (thin: the rules are in
``teams.py``)."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _

from saas.tenancy.resolve import get_or_404, roles
from tenants.people import forms
from tenants.people.models import Team
from tenants.people.teams import (
    create_team,
    move_team,
    rename_team,
    subtree_counts,
    team_choices,
    team_forest,
    team_member_counts,
)
from tenants.people.views import MANAGERS, bp, save_form


@bp.route("/t/<slug>/people/teams", methods=["GET", "POST"])
@roles(*MANAGERS)
def teams() -> Response | str:
    form = forms.TeamForm()
    form.parent_id.choices = team_choices(_("(top level)"))
    saved = save_form(
        form,
        lambda: create_team(form.name.data, form.parent_id.data or None),
        lambda team: _("Team %(name)s added.", name=team.name),
        "people.teams",
        field="name",
    )
    if saved is not None:
        return saved
    counts = team_member_counts()
    return render_template(
        "people/teams.html",
        form=form,
        forest=team_forest(),
        counts=counts,
        totals=subtree_counts(counts),
    )


@bp.route("/t/<slug>/people/teams/<int:team_id>", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_team(team_id: int) -> Response | str:
    team = get_or_404(Team, team_id)
    form = forms.TeamForm(obj=team)
    if request.method == "GET":
        form.parent_id.data = team.parent_id or 0
    form.parent_id.choices = team_choices(_("(top level)"))

    def save() -> None:
        rename_team(team, form.name.data)
        move_team(team, form.parent_id.data or None)

    saved = save_form(
        form,
        save,
        lambda _saved: _("Team %(name)s saved.", name=team.name),
        "people.teams",
        field="name",
        reload=lambda: get_or_404(Team, team_id),
    )
    if saved is not None:
        return saved
    return render_template("people/team_form.html", form=form, team=team)
