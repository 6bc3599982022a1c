"""The workflow's errors: each a ``HicError`` with a Dutch message and the HTTP status a web
front end gives it."""

from __future__ import annotations

from hicmonitor.errors import HicError


class WorkflowError(HicError):
    """Base class; ``status`` is the HTTP status for a web front end."""

    status = 400


class InvalidInput(WorkflowError):
    """A form field or an uploaded file is not acceptable."""

    status = 400


class NotLoggedIn(WorkflowError):
    status = 401


class AccessDenied(WorkflowError):
    """The user's roles do not allow this."""

    status = 403


class NotFound(WorkflowError):
    status = 404


class Conflict(WorkflowError):
    """Someone else changed the dossier first, or the step is not due (optimistic locking)."""

    status = 409


class TooLarge(WorkflowError):
    status = 413


class TooManyAttempts(WorkflowError):
    """Login rate limit or account lockout."""

    status = 429


class Unavailable(WorkflowError):
    """The workflow store cannot be reached or opened."""

    status = 503


class SchemaOutdated(Unavailable):
    """The workflow database needs ``hic werkstroom migreer``."""
