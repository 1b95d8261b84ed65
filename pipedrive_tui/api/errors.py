"""The project's own exceptions: every failure of a Pipedrive call is mapped once, here.

Each error carries a message that tells a user what happened and what to do about it; the UI shows
``str(error)`` as it is, and the command line prints it on stderr.
None of them ever holds the token.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BlockedError",
    "DailyBudgetExhaustedError",
    "ForbiddenError",
    "InvalidResponseError",
    "NotFoundError",
    "PaginationLoopError",
    "PaymentRequiredError",
    "PipedriveConnectionError",
    "PipedriveError",
    "PipedriveTimeoutError",
    "RateLimitError",
    "ReadOnlyError",
    "ServerError",
    "error_from_response",
]


class PipedriveError(Exception):
    """Base of every error the client raises.

    Attributes:
        status: the HTTP status, when there was a response.
        error: Pipedrive's own ``error`` text, when it sent one.
        error_info: Pipedrive's ``error_info`` hint, when it sent one.
        operation: the operationId of the call that failed, when known.
        outcome_unknown: a write was sent and its answer never came (a read timed out, the
            connection dropped after sending): Pipedrive may or may not have applied it, so it
            must be read back, never blindly sent again. ``False`` when it was answered, or was
            never sent (no connection could be made).
    """

    default_message = "The Pipedrive request failed."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        error: str | None = None,
        error_info: str | None = None,
        operation: str | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        self.status = status
        self.error = error
        self.error_info = error_info
        self.operation = operation
        self.outcome_unknown = outcome_unknown
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        """The text shown to the user."""
        return str(self.args[0])


class BadRequestError(PipedriveError):
    """400: Pipedrive refused the request's parameters or body."""


class AuthenticationError(PipedriveError):
    """401: the token is missing, wrong, expired or revoked."""

    default_message = (
        "Pipedrive did not accept the API token (401). Check it under Settings → Personal "
        "preferences → API in Pipedrive, then connect again (ctrl+p → Connect a Pipedrive "
        "account) or set PIPEDRIVE_API_TOKEN."
    )


class PaymentRequiredError(PipedriveError):
    """402: the company's plan does not include this feature, or the subscription lapsed."""

    default_message = (
        "Pipedrive answered 402 Payment Required: this account's plan does not include this "
        "feature, or its subscription has lapsed. Ask an admin to check billing."
    )


class ForbiddenError(PipedriveError):
    """403: the user lacks permission for this record or action."""

    default_message = (
        "Pipedrive refused access (403): your user has no permission for this. "
        "Ask an admin to check your permission set."
    )


class BlockedError(ForbiddenError):
    """403 after rate limiting, or Cloudflare's HTML block page: stop calling, do not retry."""

    default_message = (
        "Pipedrive blocked this client (403 block page), usually after too many requests. "
        "Stop for a few minutes before trying again; the app will not retry on its own."
    )


class NotFoundError(PipedriveError):
    """404: the record does not exist, or was deleted."""

    default_message = "Not found (404): the record does not exist or was deleted."


class RateLimitError(PipedriveError):
    """429: too many requests, after the client's bounded retries ran out."""

    default_message = (
        "Pipedrive is rate limiting this token (429) and retries ran out. Wait a few seconds "
        "and refresh."
    )

    def __init__(self, message: str | None = None, *, reset_in: float | None = None, **kw: Any):
        self.reset_in = reset_in
        super().__init__(message, **kw)


class DailyBudgetExhaustedError(RateLimitError):
    """429 with no daily tokens left: nothing works until Pipedrive resets the budget."""

    default_message = (
        "The company's daily Pipedrive API budget is used up (429, 0 tokens left). Calls fail "
        "until it resets at midnight server time; cached data stays readable."
    )


class ServerError(PipedriveError):
    """5xx: Pipedrive failed on its side."""

    default_message = "Pipedrive had a server error. Try again in a moment."


class PipedriveTimeoutError(PipedriveError):
    """The request timed out."""

    default_message = "Pipedrive did not answer in time. Check the connection and refresh."


class PipedriveConnectionError(PipedriveError):
    """The connection could not be made (DNS, refused, TLS, offline)."""

    default_message = (
        "Could not reach Pipedrive. Check the network and the company domain or base URL."
    )


class InvalidResponseError(PipedriveError):
    """The answer was not JSON, or did not have the expected shape."""

    default_message = "Pipedrive sent an answer the app could not read."


class PaginationLoopError(PipedriveError):
    """The server repeated a cursor or an offset: paging stopped to avoid an endless loop."""


class ReadOnlyError(PipedriveError):
    """A write was attempted while the app runs with ``--read-only``."""

    default_message = "Read-only mode: this change was not sent. Restart without --read-only."


def _describe(error: str | None, error_info: str | None) -> str:
    parts = [part.strip() for part in (error, error_info) if part and part.strip()]
    return " — ".join(parts)


def error_from_response(
    status: int,
    body: Any,
    *,
    content_type: str = "",
    operation: str | None = None,
    after_rate_limit: bool = False,
    daily_tokens_left: int | None = None,
    reset_in: float | None = None,
) -> PipedriveError:
    """Map an HTTP error response to the project's exception, with a message for the user.

    ``body`` is the decoded JSON when the response was JSON, else the raw text (or ``None``):
    an error body is never assumed to be JSON.
    """
    error = error_info = None
    if isinstance(body, dict):
        raw_error = body.get("error") or body.get("message")
        error = str(raw_error) if raw_error else None
        info = body.get("error_info")
        error_info = str(info) if info else None
    detail = _describe(error, error_info)
    kw: dict[str, Any] = {
        "status": status,
        "error": error,
        "error_info": error_info,
        "operation": operation,
    }
    is_html = "html" in content_type.lower() or (
        isinstance(body, str) and body.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    )
    if status == 400:
        return BadRequestError(
            f"Pipedrive refused the request (400): {detail or 'bad request'}", **kw
        )
    if status == 401:
        return AuthenticationError(None, **kw)
    if status == 402:
        return PaymentRequiredError(None, **kw)
    if status == 403:
        if is_html or after_rate_limit:
            return BlockedError(None, **kw)
        message = f"Pipedrive refused access (403): {detail}" if detail else None
        return ForbiddenError(message, **kw)
    if status == 404:
        return NotFoundError(f"Not found (404): {detail}" if detail else None, **kw)
    if status == 429:
        if daily_tokens_left == 0:
            return DailyBudgetExhaustedError(None, reset_in=reset_in, **kw)
        return RateLimitError(None, reset_in=reset_in, **kw)
    if status >= 500:
        return ServerError(
            f"Pipedrive had a server error ({status}). Try again in a moment."
            + (f" ({detail})" if detail and not is_html else ""),
            **kw,
        )
    return PipedriveError(
        f"Pipedrive answered {status}" + (f": {detail}" if detail and not is_html else "."), **kw
    )
