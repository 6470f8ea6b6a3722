"""Domain errors: raised by domain and application code, turned into HTTP answers at the edge.

Messages are Chinese (people read them); ``field`` names the offending input where there is one.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 location: str = "body") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or type(self).__name__
        self.location = location  # body, query or path: where ``field`` was sent


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The command is not allowed in the current state (HTTP 409)."""

    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class Invalid(DomainError):
    """Input that passed the schema but breaks a rule (HTTP 422, naming the field)."""

    status_code = 422
