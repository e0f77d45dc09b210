"""Plans, entitlements, Stripe checkout and webhooks."""
