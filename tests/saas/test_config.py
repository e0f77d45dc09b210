"""Configuration: embedded defaults for development; production refuses unsafe ones."""

from __future__ import annotations

import pytest

from saas.config import UnsafeConfiguration, load_settings


def test_production_refuses_unsafe_defaults_and_names_each(tmp_path):
    with pytest.raises(UnsafeConfiguration) as refused:
        load_settings({"APP_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    message = str(refused.value)
    for variable in ("SECRET_KEY", "DATABASE_URL", "BASE_URL", "SMTP_HOST", "REDIS_URL"):
        assert variable in message


def test_production_starts_with_safe_settings(tmp_path):
    settings = load_settings(
        {
            "APP_ENV": "production",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "k" * 48,
            "DATABASE_URL": "postgresql://app@db/pulse",
            "BASE_URL": "https://pulse.example.com",
            "SMTP_HOST": "smtp.example.com",
            "REDIS_URL": "redis://cache:6379/0",
        }
    )
    assert settings.database_url == "postgresql+psycopg://app@db/pulse"
    assert settings.is_production


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = load_settings({"INSTANCE_PATH": str(tmp_path)})
    second = load_settings({"INSTANCE_PATH": str(tmp_path)})
    assert len(first.secret_key) >= 32 and first.secret_key == second.secret_key
    assert first.database_url == f"sqlite:///{tmp_path / 'outcome_pulse.db'}"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
