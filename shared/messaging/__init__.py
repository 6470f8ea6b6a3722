"""Outbox relay, bus port and its adapters."""
