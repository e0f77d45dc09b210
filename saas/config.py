"""Settings from the environment, with embedded defaults for development.

Every variable is documented in README.md. ``APP_ENV=production`` refuses unsafe defaults.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up when production would run with an unsafe setting."""


def instance_path() -> Path:
    """The folder for the SQLite database, the queue, the outbox and the development secret."""
    return Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()


def _development_secret(folder: Path) -> str:
    """Generate the development secret once and keep it in the instance folder."""
    folder.mkdir(parents=True, exist_ok=True)
    secret_file = folder / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_hex(32))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()


@dataclass(frozen=True)
class Settings:
    app_env: str
    secret_key: str
    database_url: str
    base_url: str
    port: int
    smtp_host: str | None
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str
    redis_url: str | None
    stripe_secret_key: str | None
    stripe_webhook_secret: str | None
    stripe_api_base: str | None
    instance: Path

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    env = dict(os.environ if environ is None else environ)
    folder = Path(env.get("INSTANCE_PATH", instance_path())).resolve()
    app_env = env.get("APP_ENV", "development")
    secret = env.get("SECRET_KEY") or ""
    if not secret and app_env != "production":
        secret = _development_secret(folder)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{folder / 'outcome_pulse.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    port = int(env.get("PORT", "5000"))
    settings = Settings(
        app_env=app_env,
        secret_key=secret,
        database_url=database_url,
        base_url=env.get("BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        port=port,
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=int(env.get("SMTP_PORT", "25")),
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=env.get("SMTP_STARTTLS", "") in {"1", "true", "yes"},
        mail_from=env.get("MAIL_FROM", "pulse@outcome-pulse.local"),
        redis_url=env.get("REDIS_URL") or None,
        stripe_secret_key=env.get("STRIPE_SECRET_KEY") or None,
        stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET") or None,
        stripe_api_base=env.get("STRIPE_API_BASE") or None,
        instance=folder,
    )
    if settings.is_production:
        refuse_unsafe(settings)
    return settings


def refuse_unsafe(settings: Settings) -> None:
    """Name every unsafe default that production would otherwise run with."""
    problems = []
    if len(settings.secret_key) < 32:
        problems.append("SECRET_KEY must be set to at least 32 random characters")
    if settings.database_url.startswith("sqlite"):
        problems.append("DATABASE_URL must point to PostgreSQL, not the embedded SQLite file")
    if not settings.base_url.startswith("https://"):
        problems.append("BASE_URL must be an https:// address")
    if not settings.smtp_host:
        problems.append("SMTP_HOST must be set (the local outbox is for development only)")
    if not settings.redis_url:
        problems.append("REDIS_URL must be set (rate limits and the queue need a shared store)")
    if problems:
        raise UnsafeConfiguration("Refusing to start in production: " + "; ".join(problems))


def flask_config(settings: Settings) -> dict[str, Any]:
    return {
        "SETTINGS": settings,
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": settings.database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": settings.base_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.is_production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": settings.is_production,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Shared by every worker: Redis at scale, else a SQLite file on this machine.
        "RATELIMIT_STORAGE_URI": settings.redis_url
        or f"opsqlite://{settings.instance / 'ratelimits.db'}",
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "MAILBOX_ENABLED": not settings.is_production and not settings.smtp_host,
    }
