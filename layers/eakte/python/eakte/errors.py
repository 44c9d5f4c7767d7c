"""Typed exceptions. They keep their type across port boundaries so that the retry policy
(and the batch processor) can tell a throttle from a bad document from a bug."""

from __future__ import annotations


class EakteError(Exception):
    """Base of all domain errors."""


class TransientError(EakteError):
    """Worth retrying later: the record goes back to its queue with backoff."""


class ThrottledError(TransientError):
    """A downstream quota said 'slow down' (Textract ProvisionedThroughputExceeded, SQS, DynamoDB)."""


class OcrThrottledError(ThrottledError):
    """Textract throttled us or refused a new async job (LimitExceeded)."""


class OcrJobPendingError(TransientError):
    """An OCR job has not finished yet."""


class PermanentError(EakteError):
    """Retrying cannot help; the document is marked FAILED or REJECTED with a reason."""


class OcrFailedError(PermanentError):
    """The OCR engine could not read the document (e.g. Textract UnsupportedDocument)."""


class NotFoundError(EakteError):
    """A record or object that should exist does not."""


class ConflictError(EakteError):
    """A conditional write lost: someone else moved the record first."""


class AuthError(EakteError):
    """Authentication failed: missing, malformed, expired or wrongly signed token."""


class ForbiddenError(EakteError):
    """Authenticated, but the role or tenant does not allow this."""

    code = "forbidden"  # the API's error code


class TeamRequiredError(ForbiddenError):
    """A caseworker's token names no team (or an unknown one): they see nothing (fail closed)."""

    code = "team_required"
