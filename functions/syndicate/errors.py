"""Domain failures. The API maps each to one HTTP status in one place (syndicate.api.problems)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """One way a document breaks the contract: where (RFC 6901 JSON Pointer) and what."""

    pointer: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


class DomainError(Exception):
    """A request the domain refuses; the message is safe to show to the client."""


class InvalidRequest(DomainError):
    def __init__(
        self, violations: Sequence[Violation], detail: str = "The request does not follow the contract."
    ) -> None:
        super().__init__(detail)
        self.violations = list(violations)

    @classmethod
    def in_document(cls, what: str, violations: Sequence[Violation]) -> InvalidRequest:
        """The refusal of a whole document: "The article has 2 invalid fields."."""
        count = len(violations)
        return cls(violations, f"The {what} has {count} invalid field{'s' if count != 1 else ''}.")


class InvalidParameters(InvalidRequest):
    """The request's path, query string or headers break the contract (its body is another matter)."""


class NotFound(DomainError):
    pass


class PreconditionFailed(DomainError):
    """If-Match / If-None-Match did not hold."""


class EditConflict(DomainError):
    """Another writer changed the resource between our read and our write."""


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key came with a different request."""


class RequestInProgress(DomainError):
    """A request with the same Idempotency-Key is still being processed."""


class Unauthorized(DomainError):
    pass


class TooManyRequests(DomainError):
    pass


# -- subscriptions ------------------------------------------------------------------------------


class InvalidToken(DomainError):
    """A link token that was forged, altered, or made for another purpose."""


class ExpiredToken(InvalidToken):
    """A genuine link token past its expiry."""


class SubscriptionGone(DomainError):
    """The token is genuine but the subscription it names no longer allows the action."""
