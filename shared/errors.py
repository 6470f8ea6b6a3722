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


class ConcurrentUpdate(Conflict):
    """Concurrent writes to the same record kept winning, retry after retry (HTTP 409)."""

    def __init__(self, attempts: int) -> None:
        super().__init__(f"该记录正被同时修改，重试 {attempts} 次仍未能保存，请稍后重试", code="concurrent_update")


class Forbidden(DomainError):
    status_code = 403


class Invalid(DomainError):
    """Input that passed the schema but breaks a rule (HTTP 422, naming the field)."""

    status_code = 422


class Unavailable(DomainError):
    """A part this answer needs is not installed or not answering here (HTTP 503)."""

    status_code = 503


class TooLarge(DomainError):
    """More than a limit allows (HTTP 413, naming the field and the limit)."""

    status_code = 413


class UnsupportedType(DomainError):
    """A file of a type the service does not take, or not what its name and type claim (HTTP 415)."""

    status_code = 415
