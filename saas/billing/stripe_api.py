"""The Stripe client, configured from the settings (``STRIPE_API_BASE`` points it elsewhere)."""

from __future__ import annotations

from typing import Any

import stripe
from flask import current_app


def settings() -> Any:
    return current_app.config["SETTINGS"]


def client() -> stripe.StripeClient:
    """A client for the configured account; the real ``stripe`` library in tests too."""
    config = settings()
    base = {"api": config.stripe_api_base} if config.stripe_api_base else None
    return stripe.StripeClient(
        config.stripe_secret_key,
        base_addresses=base,  # type: ignore[arg-type]
        max_network_retries=2,
    )


def construct_event(payload: bytes, signature: str | None) -> stripe.Event:
    """The event, if ``signature`` proves Stripe sent ``payload`` within the tolerance window.

    Raises ``ValueError`` (not JSON) or ``stripe.SignatureVerificationError``.
    """
    secret = settings().stripe_webhook_secret or ""
    return stripe.Webhook.construct_event(payload, signature, secret)
