"""Connecting an account: read what the user typed, ask ``/v1/users/me``, explain a refusal.

The connect screen (and nothing else) uses this module. :func:`check_account` makes the one
cheap call (2 tokens) that proves a domain and a token work together;
:func:`explain_failure` turns each way it can fail into a sentence that says what to do: a
wrong token, a company domain that does not exist, no network, a plan without API access, a
user without API permission, a rate limit, a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipedrive_tui.api.errors import (
    AuthenticationError,
    BlockedError,
    DailyBudgetExhaustedError,
    ForbiddenError,
    InvalidResponseError,
    NotFoundError,
    PaymentRequiredError,
    PipedriveConnectionError,
    PipedriveError,
    PipedriveTimeoutError,
    RateLimitError,
    ServerError,
)
from pipedrive_tui.api.models import User
from pipedrive_tui.data.session import AccountSession

__all__ = [
    "ConnectProblem",
    "check_account",
    "explain_failure",
    "normalize_domain",
    "settings_url",
    "token_hint",
]

_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_DNS_WORDS = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "getaddrinfo",
    "no address associated",
    "name resolution",
)

Kind = Literal[
    "token", "domain", "network", "plan", "permission", "rate", "blocked", "server", "other"
]


@dataclass(frozen=True)
class ConnectProblem:
    """Why connecting failed: ``kind`` says which field to fix, ``message`` tells the user."""

    kind: Kind
    message: str

    @property
    def field(self) -> Literal["domain", "token"] | None:
        """The input to put the cursor back in, if the problem is in one."""
        if self.kind == "domain":
            return "domain"
        if self.kind == "token":
            return "token"
        return None


def normalize_domain(text: str) -> str:
    """``Acme``, ``acme.pipedrive.com`` or ``https://acme.pipedrive.com/pipeline`` → ``acme``.

    Raises ``ValueError`` with a sentence for the user when it cannot be a company domain.
    """
    value = text.strip().lower()
    for prefix in ("https://", "http://"):
        value = value.removeprefix(prefix)
    value = value.split("/", 1)[0].split("?", 1)[0]
    value = value.removesuffix(".pipedrive.com")
    if not value:
        raise ValueError("Type your company domain: acme for acme.pipedrive.com.")
    if not _DOMAIN.match(value):
        raise ValueError(
            f"“{text.strip()[:60]}” is not a company domain: use letters, digits and dashes, as "
            "in acme for acme.pipedrive.com."
        )
    return value


def settings_url(domain: str | None) -> str:
    """Where Pipedrive shows the user's API token."""
    host = f"{domain}.pipedrive.com" if domain else "app.pipedrive.com"
    return f"https://{host}/settings/api"


def token_hint(token: str) -> str | None:
    """A warning when the token does not look like Pipedrive's (40 hexadecimal characters).

    Only a hint: the server decides. The token itself never appears in the hint.
    """
    value = token.strip()
    if not value:
        return "Paste your API token."
    if any(ch.isspace() for ch in value):
        return "The token has spaces in it: paste it again, in one piece."
    if len(value) != 40 or not all(ch in "0123456789abcdefABCDEF" for ch in value):
        return f"Pipedrive API tokens are 40 hexadecimal characters; this one has {len(value)}."
    return None


async def check_account(session: AccountSession) -> User:
    """Ask ``GET /v1/users/me`` (2 tokens): the user, which also names the company."""
    return await session.load_me()


def _is_dns_failure(error: PipedriveError) -> bool:
    cause: BaseException | None = error.__cause__
    seen = 0
    while cause is not None and seen < 5:
        text = str(cause).lower()
        if any(word in text for word in _DNS_WORDS):
            return True
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return False


def explain_failure(error: PipedriveError, host: str) -> ConnectProblem:
    """One sentence per way a first ``/users/me`` can fail, naming what to fix."""
    if isinstance(error, AuthenticationError):
        return ConnectProblem(
            "token",
            f"{host} refused this token (401): it is mistyped, revoked, or belongs to another "
            "company. Copy it again from Settings → Personal preferences → API.",
        )
    if isinstance(error, NotFoundError):
        return ConnectProblem(
            "domain",
            f"No Pipedrive company answers at {host} (404). Check the domain: it is the first "
            "part of the address you open Pipedrive at.",
        )
    if isinstance(error, PipedriveConnectionError):
        if _is_dns_failure(error):
            return ConnectProblem(
                "network",
                f"Could not find {host}: either there is no network, or the domain is mistyped.",
            )
        return ConnectProblem(
            "network",
            f"Could not reach {host}: no network, or a proxy or firewall is in the way.",
        )
    if isinstance(error, PipedriveTimeoutError):
        return ConnectProblem(
            "network", f"{host} did not answer in time: the network is slow or down. Try again."
        )
    if isinstance(error, PaymentRequiredError):
        return ConnectProblem(
            "plan",
            "This company's Pipedrive plan does not include API access, or its subscription "
            "has lapsed (402). An admin can check it under Billing.",
        )
    if isinstance(error, BlockedError):
        return ConnectProblem(
            "blocked",
            "Pipedrive is blocking requests from here (403 block page), usually after too many "
            "requests. Wait a few minutes, then try again.",
        )
    if isinstance(error, ForbiddenError):
        return ConnectProblem(
            "permission",
            "Pipedrive refused API access for this user (403). An admin can allow it in the "
            "user's permission set.",
        )
    if isinstance(error, DailyBudgetExhaustedError):
        return ConnectProblem(
            "rate",
            "The company's daily API budget is used up (429): the token is right, but nothing "
            "can be read until the budget resets.",
        )
    if isinstance(error, RateLimitError):
        wait = f" Try again in {error.reset_in:.0f} s." if error.reset_in else " Try again soon."
        return ConnectProblem("rate", f"Pipedrive is rate limiting this token (429).{wait}")
    if isinstance(error, ServerError):
        return ConnectProblem(
            "server", f"Pipedrive had a server error ({error.status}). Try again in a moment."
        )
    if isinstance(error, InvalidResponseError):
        return ConnectProblem(
            "domain",
            f"{host} answered, but not like Pipedrive's API: check the domain or base URL.",
        )
    return ConnectProblem("other", f"Could not connect: {error}")
