"""Token costs: matching concrete request paths to spec operations, from the committed table."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from pipedrive_tui.api import gen_token_costs
from pipedrive_tui.api.costs import (
    Operation,
    PathTable,
    all_operations,
    match_operation,
    token_cost,
)
from pipedrive_tui.api.endpoints import ENDPOINTS, Endpoint

LEAD_ID = "adf21080-0e10-11eb-879b-05d71fb426ec"


@pytest.mark.parametrize(
    ("method", "path", "operation_id", "cost"),
    [
        ("GET", "/api/v2/deals", "getDeals", 10),
        ("GET", "/api/v2/deals/42", "getDeal", 1),
        ("PATCH", "/api/v2/deals/42", "updateDeal", 5),
        ("GET", "/api/v2/deals/archived", "getArchivedDeals", 20),
        ("GET", "/api/v2/deals/search", "searchDeals", 20),
        ("GET", f"/v1/leads/{LEAD_ID}", "getLead", 2),
        ("GET", "/v1/mailbox/mailThreads/7/mailMessages", "getMailThreadMessages", 20),
    ],
)
def test_costs_of_known_requests(method: str, path: str, operation_id: str, cost: int) -> None:
    """Concrete paths find their operation and its ``x-token-cost``."""
    operation = match_operation(method, path)
    assert operation is not None
    assert operation.operation_id == operation_id
    assert operation.cost == cost
    assert token_cost(method, path) == cost


def test_operation_fields() -> None:
    """An operation carries its version, method, full template, operationId and cost."""
    assert match_operation("get", "/api/v2/deals/42") == Operation(
        "v2", "GET", "/api/v2/deals/{id}", "getDeal", 1
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v2/nothing"),
        ("GET", "/api/v2/deals/42/nothing"),
        ("GET", "/api/v2/deals/"),
        ("GET", "/v2/deals"),
        ("HEAD", "/api/v2/deals"),
        ("PUT", "/api/v2/deals/42"),
        ("GET", ""),
    ],
)
def test_unknown_requests(method: str, path: str) -> None:
    """A request no operation matches has no operation and costs 0."""
    assert match_operation(method, path) is None
    assert token_cost(method, path) == 0


def test_query_string_is_ignored() -> None:
    """The query string plays no part in the match."""
    assert token_cost("GET", "/api/v2/deals?limit=500&cursor=abc") == 10
    assert token_cost("GET", "/api/v2/deals/search?term=acme") == 20


def test_company_domain_form_of_v1() -> None:
    """``/api/v1/…`` (the company-domain form of a v1 path) matches like ``/v1/…``."""
    operation = match_operation("GET", f"/api/v1/leads/{LEAD_ID}")
    assert operation is not None
    assert operation.path == "/v1/leads/{id}"


def test_literal_segments_win_but_fall_back_to_parameters() -> None:
    """``/deals/archived`` is a literal; ``/deals/archived/flow`` is ``/deals/{id}/flow``."""
    archived = match_operation("GET", "/v1/deals/archived")
    assert archived is not None and archived.operation_id == "getArchivedDeals"
    flow = match_operation("GET", "/v1/deals/archived/flow")
    assert flow is not None and flow.operation_id == "getDealUpdates"


def test_trailing_slash_is_a_different_path() -> None:
    """Pipedrive has both ``/oauth/token`` and ``/oauth/token/``: they are not mixed up."""
    plain = match_operation("POST", "/oauth/token")
    slashed = match_operation("POST", "/oauth/token/")
    assert plain is not None and slashed is not None
    assert plain.operation_id != slashed.operation_id


def _concrete(endpoint: Endpoint) -> str:
    return re.sub(r"\{[^}]+\}", "42", endpoint.prefix + endpoint.path)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_every_endpoint_has_a_cost(endpoint: Endpoint) -> None:
    """Each request the client makes finds its own operation, with a cost."""
    operation = match_operation(endpoint.method, _concrete(endpoint))
    assert operation is not None
    assert (operation.version, operation.operation_id) == (endpoint.version, endpoint.operation_id)
    assert operation.path == endpoint.prefix + endpoint.path
    assert operation.cost > 0


def test_the_table_is_whole_and_sorted() -> None:
    """Both specs are in the table (371 operations), each template once, sorted."""
    operations = all_operations()
    assert {operation.version for operation in operations} == {"v1", "v2"}
    keys = [(op.version, op.path, op.method) for op in operations]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert len({(op.version, op.operation_id) for op in operations}) == len(operations)
    assert all(
        op.path.startswith("/v1/" if op.version == "v1" else "/api/v2/")
        or op.path.startswith("/oauth/")
        for op in operations
    )


def test_path_table_rejects_a_duplicate_template() -> None:
    """Two templates of one method that match the same paths are refused."""
    table: PathTable[int] = PathTable([("GET", "/deals/{id}", 1)])
    with pytest.raises(ValueError, match="already in the table"):
        table.add("get", "/deals/{deal_id}", 2)
    assert table.match("GET", "/deals/7") == 1
    assert list(table) == [1]


def test_table_matches_the_specs() -> None:
    """Regenerating the table from the specs gives exactly the committed file (never hand-edit)."""
    spec_dir = gen_token_costs.default_spec_dir()
    if not all((spec_dir / name).is_file() for name in gen_token_costs.SPEC_FILES.values()):
        pytest.skip(
            f"{spec_dir} not found: spec-based tests need the official specs beside the project"
        )
    committed = resources.files("pipedrive_tui.api").joinpath("token_costs.json").read_text("utf-8")
    regenerated = gen_token_costs.render(gen_token_costs.build_table(spec_dir))
    assert regenerated == committed, "run: python -m pipedrive_tui.api.gen_token_costs"
