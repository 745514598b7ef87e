"""Errors that services raise; the API turns each into a 4xx response naming the field."""


class ServiceError(Exception):
    """A request the service refuses; nothing was written."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(ServiceError):
    """The request clashes with the current state (a taken slug, a withdrawn dataset)."""

    status_code = 409


class NotFound(ServiceError):
    """Nothing the caller may see has this id (also when it exists but belongs to others)."""

    status_code = 404


class TooManyAttempts(ServiceError):
    """Too many wrong passwords: wait `retry_after` seconds (sent as Retry-After)."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after


class Gone(ServiceError):
    """What the request names existed and is gone for good (a withdrawn dataset)."""

    status_code = 410


class Forbidden(ServiceError):
    """The caller is known but its role does not allow this (a provider-only institution
    asking for data, for instance)."""

    status_code = 403


class Unauthenticated(ServiceError):
    """The request's own credential (a signature, not a session or token) does not hold."""

    status_code = 401
