"""The demo tenant: ``flask --app wsgi demo seed`` and six quarters of history with a story.

``seed`` (the entry point and the command), ``members`` (who signs in), ``org`` (the company:
people, teams, customers), ``programs`` (the pulses and processes), ``story`` (how each team feels,
quarter by quarter), ``phrases`` and ``answers`` (what people answer), ``employee_rounds`` and
``customer_rounds`` (the rounds of each month, over the ``run``'s months from ``dates``), ``batch``
(bulk writing), ``history`` (all of it, once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from tenants.demo import seed

    app.cli.add_command(seed.demo_cli)
