"""Notifications: messages in the inbox and text messages (README "Reaching people")."""
