"""integration: pushes to other systems (webhooks) — subscriptions, deliveries and their attempts."""
