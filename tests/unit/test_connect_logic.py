"""What the connect screen accepts and how it explains each refusal."""

from __future__ import annotations

import httpx
import pytest

from pipedrive_tui.api.errors import (
    AuthenticationError,
    BlockedError,
    DailyBudgetExhaustedError,
    ForbiddenError,
    NotFoundError,
    PaymentRequiredError,
    PipedriveConnectionError,
    PipedriveError,
    PipedriveTimeoutError,
    RateLimitError,
    ServerError,
)
from pipedrive_tui.data.connect import explain_failure, normalize_domain, settings_url, token_hint


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("acme", "acme"),
        ("  Acme  ", "acme"),
        ("acme.pipedrive.com", "acme"),
        ("https://acme-sales.pipedrive.com/pipeline/1", "acme-sales"),
        ("http://acme.pipedrive.com?x=1", "acme"),
    ],
)
def test_domains_are_read_as_people_paste_them(typed: str, domain: str) -> None:
    assert normalize_domain(typed) == domain


@pytest.mark.parametrize("typed", ["", "   ", "acme corp", "-acme", "acme_", "acme.example.org"])
def test_what_cannot_be_a_domain_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        normalize_domain(typed)


def test_settings_url() -> None:
    assert settings_url("acme") == "https://acme.pipedrive.com/settings/api"
    assert settings_url(None) == "https://app.pipedrive.com/settings/api"


def test_token_hint_never_repeats_the_token() -> None:
    assert token_hint("0123456789abcdef0123456789abcdef01234567") is None
    hint = token_hint("short-token")
    assert hint is not None and "11" in hint and "short-token" not in hint
    assert token_hint("") == "Paste your API token."
    assert "spaces" in (token_hint("abc def") or "")


def _connection_error(text: str) -> PipedriveConnectionError:
    error = PipedriveConnectionError()
    error.__cause__ = httpx.ConnectError(text)
    return error


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (AuthenticationError(), "token", "refused this token (401)"),
        (NotFoundError(), "domain", "No Pipedrive company answers at acme.pipedrive.com"),
        (_connection_error("[Errno -2] Name or service not known"), "network", "Could not find"),
        (_connection_error("[Errno 111] Connection refused"), "network", "proxy or firewall"),
        (PipedriveTimeoutError(), "network", "did not answer in time"),
        (PaymentRequiredError(), "plan", "plan does not include API access"),
        (BlockedError(), "blocked", "block page"),
        (ForbiddenError(), "permission", "refused API access for this user"),
        (DailyBudgetExhaustedError(), "rate", "daily API budget is used up"),
        (RateLimitError(reset_in=7), "rate", "Try again in 7 s"),
        (ServerError(status=503), "server", "server error (503)"),
        (PipedriveError("odd"), "other", "Could not connect: odd"),
    ],
)
def test_each_failure_has_its_own_sentence(error: PipedriveError, kind: str, words: str) -> None:
    problem = explain_failure(error, "acme.pipedrive.com")
    assert problem.kind == kind
    assert words in problem.message
    assert problem.field == (kind if kind in ("token", "domain") else None)
