"""The demo, seeded into its own database once per test module that asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from saas import create_app
from saas.extensions import db
from tenants.demo.seed import seed_demo
from tests.conftest import FormClient, make_settings, reset_schema


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    app = create_app({"SETTINGS": make_settings(url, folder), "TESTING": True})
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.test_client_class = FormClient
    reset_schema(app)
    with app.app_context():
        seed_demo()
    yield app
    with app.app_context():
        db.engine.dispose()
