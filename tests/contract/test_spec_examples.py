"""The client's endpoint table against Pipedrive's official specs and their own examples.

Every endpoint comes from :data:`pipedrive_tui.api.endpoints.ENDPOINTS`, never from a list in
this file: each must exist in the spec under its operationId and method, page the way the spec
says, and its models must parse the spec's example bodies. The same examples, checked against
their own schemas, prove that :class:`~.openapi.SpecValidator` works; a few hand-broken bodies
prove that it can fail. Where the spec contradicts itself, the contradiction is listed in
:data:`~.openapi.KNOWN_ERRATA` and the workaround is asserted here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipedrive_tui.api.endpoints import ENDPOINTS, Endpoint
from pipedrive_tui.api.pagination import read_offset_meta

from .openapi import (
    JSON,
    KNOWN_ERRATA,
    SpecOperation,
    Specs,
    SpecValidator,
    assemble_example,
    envelope_requirements,
    erratum_key,
    to_json_schema,
)

WITH_MODEL = [endpoint for endpoint in ENDPOINTS if endpoint.model is not None]
PAGED = [endpoint for endpoint in ENDPOINTS if endpoint.paging != "none"]


def _ids(endpoint: Endpoint) -> str:
    return endpoint.name


def _success_status(operation: SpecOperation) -> str:
    """The operation's success status: its first documented ``2xx`` response."""
    statuses = sorted(status for status in operation.operation["responses"] if status[0] == "2")
    assert statuses, f"{operation.operation_id}: the spec documents no success response"
    return statuses[0]


def _json_statuses(operation: SpecOperation) -> list[str]:
    """Every documented status of the operation with a JSON body."""
    return [
        status
        for status, response in operation.operation["responses"].items()
        if JSON in response.get("content", {})
    ]


def _records(endpoint: Endpoint, body: Any) -> list[Any]:
    """The records of a body where the client reads them: ``data`` or ``data[data_key]``."""
    data = body["data"]
    if endpoint.data_key is not None:
        data = data[endpoint.data_key]
    if endpoint.many:
        assert isinstance(data, list), f"{endpoint.name}: data is not a list"
        return data
    assert isinstance(data, dict), f"{endpoint.name}: data is not one object"
    return [data]


def _raw_id(record: Any) -> Any:
    """The id of a raw record, also when it is wrapped as ``{object, data}`` or ``{item}``."""
    for candidate in (record, record.get("data"), record.get("item")):
        if isinstance(candidate, dict) and "id" in candidate:
            return candidate["id"]
    return None


def _examples(validator: SpecValidator, endpoint: Endpoint) -> Iterator[tuple[str, Any]]:
    """Every example body of the endpoint's success response, with its status."""
    operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
    status = _success_status(operation)
    examples = validator.example_responses(endpoint.version, endpoint.method, endpoint.path, status)
    if not examples:
        examples = [
            validator.example_response(endpoint.version, endpoint.method, endpoint.path, status)
        ]
    for example in examples:
        yield status, example


# --- the endpoint table against the spec ----------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids)
def test_endpoint_is_in_the_spec(validator: SpecValidator, endpoint: Endpoint) -> None:
    """Each endpoint is an operation of its spec: same template, method and operationId."""
    operation = validator.operation(endpoint.version, endpoint.method, endpoint.path)
    assert operation.path == endpoint.path
    assert operation.method == endpoint.method
    assert operation.operation_id == endpoint.operation_id
    assert validator.operation_by_id(endpoint.version, endpoint.operation_id) is operation
    assert not operation.operation.get("deprecated"), f"{endpoint.name} is deprecated"


def _query_parameters(operation: SpecOperation) -> dict[str, Any]:
    return {
        parameter["name"]: parameter
        for parameter in operation.operation.get("parameters", ())
        if parameter.get("in") == "query"
    }


def _declares_paging_metadata(validator: SpecValidator, endpoint: Endpoint) -> bool:
    operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
    media = operation.operation["responses"][_success_status(operation)]["content"][JSON]
    requirements = envelope_requirements(media.get("schema"))
    return "additional_data" in requirements.get("properties", {})


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids)
def test_paging_matches_the_spec(validator: SpecValidator, endpoint: Endpoint) -> None:
    """The table's paging style is the spec's: request parameters, largest page, metadata."""
    operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
    parameters = _query_parameters(operation)
    paging_parameters = {"cursor", "start"} & parameters.keys()
    if endpoint.paging == "none":
        assert not paging_parameters, f"{endpoint.name} pages with {paging_parameters}"
        return
    expected = {"cursor": {"cursor", "limit"}, "offset": {"start", "limit"}}[endpoint.paging]
    assert expected <= parameters.keys()
    maximum = re.search(r"maximum value of (\d+)", parameters["limit"].get("description", ""))
    if maximum:
        assert endpoint.max_limit == int(maximum.group(1))
    if not _declares_paging_metadata(validator, endpoint):
        # Only a known spec gap may leave the client without paging metadata.
        assert (endpoint.operation_id, "$.additional_data") in KNOWN_ERRATA


# --- the spec's examples parse into the models ----------------------------------------------------


@pytest.mark.parametrize("endpoint", WITH_MODEL, ids=_ids)
def test_examples_parse_into_the_model(validator: SpecValidator, endpoint: Endpoint) -> None:
    """Every record of every example of the success response parses into ``endpoint.model``."""
    assert endpoint.model is not None
    parsed = 0
    for _status, example in _examples(validator, endpoint):
        records = _records(endpoint, example)
        assert records, f"{endpoint.name}: the example has no records"
        for record in records:
            model = endpoint.model.model_validate(record)
            parsed += 1
            item = getattr(model, "item", None)
            if item is not None:  # a search hit: the summary carries the id
                assert item.id == record["item"]["id"]
            elif "id" in type(model).model_fields and _raw_id(record) is not None:
                assert model.id == _raw_id(record)  # type: ignore[attr-defined]
    assert parsed


# --- the spec's examples against their own schemas ------------------------------------------------


def _excused(validator: SpecValidator) -> dict[tuple[str, str], list[str]]:
    """The errata each endpoint's examples (every JSON status) need, with the error paths."""
    used: dict[tuple[str, str], list[str]] = {}
    for endpoint in ENDPOINTS:
        operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
        for status in _json_statuses(operation):
            example = validator.example_response(
                endpoint.version, endpoint.method, endpoint.path, status
            )
            errors = validator.validate_response(
                endpoint.version, endpoint.method, endpoint.path, status, example
            )
            for error in errors:
                key = erratum_key(endpoint.operation_id, error.json_path)
                assert key is not None
                used.setdefault(key, []).append(error.json_path)
        if endpoint.paging != "none" and not _declares_paging_metadata(validator, endpoint):
            used.setdefault((endpoint.operation_id, "$.additional_data"), []).append("(paging)")
    return used


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_ids)
def test_examples_match_their_schema(validator: SpecValidator, endpoint: Endpoint) -> None:
    """Each example (every JSON status) validates against its own schema, errata aside."""
    operation = validator.operation_by_id(endpoint.version, endpoint.operation_id)
    statuses = _json_statuses(operation)
    assert _success_status(operation) in statuses
    for status in statuses:
        example = validator.example_response(
            endpoint.version, endpoint.method, endpoint.path, status
        )
        excused = validator.validate_response(
            endpoint.version, endpoint.method, endpoint.path, status, example
        )
        for error in excused:
            key = erratum_key(endpoint.operation_id, error.json_path)
            assert key is not None
            assert error.erratum == KNOWN_ERRATA[key]


def test_every_erratum_is_still_needed(validator: SpecValidator) -> None:
    """No erratum is stale: each one excuses an error the spec's examples or paging still show."""
    used = _excused(validator)
    assert set(used) == set(KNOWN_ERRATA), sorted(set(KNOWN_ERRATA) ^ set(used))


def _reads_nested_pagination(endpoint: Endpoint, body: Any) -> None:
    """The client finds the metadata nested under ``pagination``, where the example puts it."""
    nested = body["additional_data"]["pagination"]
    count = len(_records(endpoint, body))
    more, next_start = read_offset_meta(body, nested["start"], count, nested["limit"])
    assert more is nested["more_items_in_collection"]
    assert next_start == nested.get("next_start", nested["start"] + count)


def _stops_after_a_short_page(endpoint: Endpoint, body: Any) -> None:
    """Without metadata the client stops after a short page and goes on after a full one."""
    assert "more_items_in_collection" not in (body.get("additional_data") or {})
    count = len(_records(endpoint, body))
    assert 0 < count < endpoint.max_limit
    assert read_offset_meta(body, 0, count, endpoint.max_limit) == (False, count)
    assert read_offset_meta(body, 0, count, count) == (True, count)


#: How each erratum's workaround is checked on the spec's own example.
WORKAROUNDS: dict[tuple[str, str], Callable[[Endpoint, Any], None]] = {
    ("getLeadFields", "$.additional_data.*"): _reads_nested_pagination,
    ("getDealFields", "$.additional_data.*"): _reads_nested_pagination,
    ("getDealUpdates", "$.additional_data.*"): _reads_nested_pagination,
    ("getDealParticipants", "$.additional_data.*"): _reads_nested_pagination,
    ("getDealMailMessages", "$.additional_data.*"): _reads_nested_pagination,
    ("getLeads", "$.additional_data"): _stops_after_a_short_page,
    ("getArchivedLeads", "$.additional_data"): _stops_after_a_short_page,
    ("getMailThreads", "$.additional_data"): _stops_after_a_short_page,
}


def test_every_erratum_has_a_workaround() -> None:
    """Each erratum names its place in the spec and has its workaround checked below."""
    assert set(WORKAROUNDS) == set(KNOWN_ERRATA)
    for reason in KNOWN_ERRATA.values():
        assert "yaml paths./" in reason and "Workaround:" in reason


@pytest.mark.parametrize("key", sorted(KNOWN_ERRATA), ids="::".join)
def test_erratum_workaround(validator: SpecValidator, key: tuple[str, str]) -> None:
    """The client's workaround (``read_offset_meta``) gets it through the spec's own example."""
    # Every erratum is in v1.yaml (getDealFields names a v2 operation too).
    endpoint = next(e for e in ENDPOINTS if e.operation_id == key[0] and e.version == "v1")
    for _status, example in _examples(validator, endpoint):
        WORKAROUNDS[key](endpoint, example)
        assert endpoint.model is not None
        for record in _records(endpoint, example):
            endpoint.model.model_validate(record)


# --- the validator can fail -----------------------------------------------------------------------


def test_rejects_a_deal_with_a_string_id(validator: SpecValidator) -> None:
    """A deal whose ``id`` is ``"abc"`` fails, the error at its JSON path."""
    body = validator.example_response("v2", "GET", "/deals/{id}")
    body["data"]["id"] = "abc"
    with pytest.raises(AssertionError, match=r"\$\.data\.id: 'abc' is not of type 'integer'"):
        validator.validate_response("v2", "GET", "/api/v2/deals/42", 200, body)


def test_rejects_a_thread_without_success(validator: SpecValidator) -> None:
    """A mail thread body that lost its envelope's ``success`` fails."""
    body = validator.example_response("v1", "GET", "/mailbox/mailThreads/{id}")
    del body["success"]
    with pytest.raises(AssertionError, match=r"\$\.success: 'success' is a required property"):
        validator.validate_response("v1", "GET", "/v1/mailbox/mailThreads/7", 200, body)


def test_lists_every_error(validator: SpecValidator) -> None:
    """The assertion lists every error of a body, each at its JSON path."""
    body = validator.example_response("v2", "GET", "/deals")
    body["data"][0]["id"] = "abc"
    body["data"][0]["label_ids"] = ["vip"]
    del body["additional_data"]["next_cursor"]
    with pytest.raises(AssertionError) as raised:
        validator.validate_response("v2", "GET", "/api/v2/deals?limit=500", 200, body)
    message = str(raised.value)
    assert "3 schema error(s)" in message
    for path in ("$.data[0].id", "$.data[0].label_ids[0]", "$.additional_data.next_cursor"):
        assert f"\n  {path}: " in message


def test_errata_forgive_only_their_own_errors(validator: SpecValidator) -> None:
    """An erratum excuses its error, but not another error of the same body."""
    body = validator.example_response("v1", "GET", "/leads")
    excused = validator.validate_response("v1", "GET", "/v1/leads", 200, body)
    assert [error.json_path for error in excused] == ["$.additional_data"]
    assert excused[0].erratum == KNOWN_ERRATA["getLeads", "$.additional_data"]
    body["data"][0]["value"] = {"amount": "a lot", "currency": "EUR"}
    with pytest.raises(AssertionError, match=r"\$\.data\[0\]\.value\.amount"):
        validator.validate_response("v1", "GET", "/v1/leads", 200, body)


def test_rejects_an_undocumented_status(validator: SpecValidator) -> None:
    """A status the operation does not document is an error, not a silent pass."""
    with pytest.raises(AssertionError, match="no 404 response"):
        validator.validate_response("v2", "GET", "/deals/{id}", 404, {"success": False})


# --- finding operations and examples --------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "path", "operation_id"),
    [
        ("v2", "/api/v2/deals/42", "getDeal"),
        ("v2", "/api/v2/deals/archived", "getArchivedDeals"),
        ("v2", "/api/v2/deals/search", "searchDeals"),
        ("v2", "/deals/{id}", "getDeal"),
        ("v1", "/v1/leads/adf21080-0e10-11eb-879b-05d71fb426ec", "getLead"),
        ("v1", "/v1/mailbox/mailThreads/7/mailMessages", "getMailThreadMessages"),
    ],
)
def test_finds_the_operation(
    validator: SpecValidator, version: str, path: str, operation_id: str
) -> None:
    """Concrete paths and templates find their operation; literal segments beat parameters."""
    assert validator.operation(version, "GET", path).operation_id == operation_id


def test_unknown_operation(validator: SpecValidator) -> None:
    """A path neither spec has is an assertion error naming it."""
    with pytest.raises(AssertionError, match="no such operation"):
        validator.operation("v2", "GET", "/api/v2/nothing/here")


def test_example_assembled_from_property_examples(validator: SpecValidator) -> None:
    """Without a whole example, the body is assembled from the schema's property examples."""
    assert validator.example_responses("v1", "PATCH", "/leadLabels/{id}", 404) == []
    body = validator.example_response("v1", "PATCH", "/leadLabels/{id}", 404)
    assert body == {"success": False, "data": None, "additional_data": None}
    validator.validate_response("v1", "PATCH", "/v1/leadLabels/abc", 404, body)


def test_examples_are_copies(validator: SpecValidator) -> None:
    """Changing an example body never changes the shared spec."""
    body = validator.example_response("v2", "GET", "/deals/{id}")
    body["data"]["id"] = "changed"
    assert validator.example_response("v2", "GET", "/deals/{id}")["data"]["id"] != "changed"


# --- the OpenAPI 3.0 → JSON Schema translation (no spec needed) -----------------------------------


def test_nullable_adds_null_to_the_type() -> None:
    """``nullable: true`` becomes a ``"null"`` type (and a ``None`` enum value)."""
    assert to_json_schema({"type": "integer", "nullable": True}) == {"type": ["integer", "null"]}
    assert to_json_schema({"type": "string", "enum": ["a"], "nullable": True}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
    assert to_json_schema({"type": "string", "nullable": False}) == {"type": "string"}


def test_nullable_composition_is_wrapped() -> None:
    """A nullable ``allOf`` cannot take "null" in its type: it is wrapped in ``anyOf``."""
    schema = {"nullable": True, "allOf": [{"type": "object"}]}
    assert to_json_schema(schema) == {"anyOf": [{"allOf": [{"type": "object"}]}, {"type": "null"}]}


def test_drops_openapi_only_keys_but_keeps_property_names() -> None:
    """``example`` and ``x-*`` keys go; properties called ``example`` stay; refs are rebased."""
    schema = {
        "type": "object",
        "example": {"a": 1},
        "x-internal": True,
        "properties": {
            "example": {"type": "string", "example": "x"},
            "deal": {"$ref": "#/components/schemas/Deal", "nullable": True},
        },
        "enum": [{"example": 1}],
    }
    assert to_json_schema(schema, "urn:spec") == {
        "type": "object",
        "properties": {
            "example": {"type": "string"},
            "deal": {"$ref": "urn:spec#/components/schemas/Deal"},
        },
        "enum": [{"example": 1}],
    }


def test_assembles_examples_from_properties() -> None:
    """Property examples, ``allOf`` parts and array items make up an example body."""
    schema = {
        "allOf": [
            {"type": "object", "properties": {"success": {"type": "boolean", "example": True}}},
            {
                "type": "object",
                "properties": {
                    "data": {
                        "type": "array",
                        "items": {"properties": {"id": {"example": 1}, "name": {}}},
                    }
                },
            },
        ]
    }
    assert assemble_example(schema) == {"success": True, "data": [{"id": 1}]}
    with pytest.raises(LookupError):
        assemble_example({"type": "object", "properties": {"id": {"type": "integer"}}})


def test_refs_resolve_through_the_registry_even_when_cyclic() -> None:
    """``$ref``s to ``#/components`` resolve (responses and schemas), recursion included."""
    node = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "parent": {"$ref": "#/components/schemas/Node", "nullable": True},
        },
    }
    document = {
        "paths": {
            "/nodes/{id}": {
                "get": {
                    "operationId": "getNode",
                    "responses": {"200": {"$ref": "#/components/responses/NodeResponse"}},
                }
            }
        },
        "components": {
            "schemas": {"Node": node},
            "responses": {
                "NodeResponse": {
                    "description": "one node",
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/Node"}}},
                }
            },
        },
    }
    specs = Specs(Path("."), {"v1": document, "v2": {"paths": {}}}, {})
    validator = SpecValidator(specs)
    validator.validate_response("v1", "GET", "/v1/nodes/1", 200, {"id": 1, "parent": {"id": 2}})
    with pytest.raises(AssertionError, match=r"\$\.parent\.parent\.id: 'x' is not of type"):
        validator.validate_response(
            "v1", "GET", "/nodes/{id}", 200, {"id": 1, "parent": {"id": 2, "parent": {"id": "x"}}}
        )
