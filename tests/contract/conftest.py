"""Fixtures of the contract tests: Pipedrive's official specs, parsed once per session."""

from __future__ import annotations

import pytest

from .openapi import Specs, SpecValidator, load_specs, spec_validator


@pytest.fixture(scope="session")
def specs() -> Specs:
    """Both spec documents; the test skips when ``../shared/pipedrive-openapi`` is absent."""
    return load_specs()


@pytest.fixture(scope="session")
def validator() -> SpecValidator:
    """The validator over both specs; the test skips when the specs are absent."""
    return spec_validator()
