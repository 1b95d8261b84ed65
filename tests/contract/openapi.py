"""Pipedrive's official OpenAPI specs as test support: loading, examples and response validation.

The specs sit beside the project, in ``../shared/pipedrive-openapi`` (or ``$PIPEDRIVE_SPEC_DIR``);
a clone without them skips every spec-based test with :data:`SKIP_REASON`. Both files are parsed
once per test session (about half a second).

:class:`SpecValidator` checks a response body against the schema the spec declares for an
operation and status. The specs are OpenAPI 3.0, so each schema is first translated into JSON
Schema 2020-12 (``nullable``, ``$ref``, vendor keys; see :func:`to_json_schema`). Pipedrive's specs
contradict themselves in places; :data:`KNOWN_ERRATA` lists each known contradiction, with the
place in the spec and the workaround, and only those errors are forgiven.
"""

from __future__ import annotations

import ast
import copy
import functools
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from pipedrive_tui.api.costs import PathTable
from pipedrive_tui.api.gen_token_costs import SPEC_FILES, load_spec

__all__ = [
    "JSON",
    "KNOWN_ERRATA",
    "PREFIXES",
    "SKIP_REASON",
    "SPEC_DIR_ENV",
    "SchemaError",
    "SpecOperation",
    "SpecValidator",
    "Specs",
    "assemble_example",
    "declared_properties",
    "envelope_requirements",
    "erratum_for",
    "erratum_key",
    "load_specs",
    "spec_dir",
    "spec_validator",
    "to_json_schema",
]

#: The environment variable that points the tests at another copy of the specs.
SPEC_DIR_ENV = "PIPEDRIVE_SPEC_DIR"
#: Why spec-based tests skip in a clone without the specs.
SKIP_REASON = (
    "../shared/pipedrive-openapi not found: spec-based tests need the official specs beside "
    "the project"
)
#: The URL path prefix of each API version.
PREFIXES: Mapping[str, str] = {"v1": "/v1", "v2": "/api/v2"}
#: The media type whose schemas and examples are used.
JSON = "application/json"

# --- known spec errata ----------------------------------------------------------------------------


def _flat_paging(path: str) -> str:
    return (
        f"v1.yaml paths.{path}.get.responses.200 (application/json schema) declares the offset "
        "paging metadata flat, as additional_data.start/limit/more_items_in_collection, while the "
        "spec's own example (like the live API) nests it in additional_data.pagination "
        "(v1-reference §4, §10 #9). Workaround: the client (api.pagination.read_offset_meta) reads "
        "additional_data.pagination first and falls back to the flat keys."
    )


def _no_paging_in_example(path: str) -> str:
    return (
        f"v1.yaml paths.{path}.get.responses.200: the schema declares additional_data.start/limit/"
        "more_items_in_collection but the example has no additional_data at all (v1-reference "
        "§10 #28). Workaround: without paging metadata the client (api.pagination."
        "read_offset_meta) stops after a page shorter than the limit it asked for."
    )


#: Contradictions inside Pipedrive's specs, keyed by ``(operationId, JSON path pattern)``.
#:
#: The pattern is matched against the JSON path of a validation error (``$.data[0].add_time``; a
#: missing property is reported at the path it should have had): ``[*]`` stands for any index,
#: ``*`` for one key, ``**`` for any run of keys. The value names the place in the spec, what is
#: wrong, and the workaround the client uses. Only what the spec's own examples (and the endpoint
#: table's paging) actually break is listed; ``test_spec_examples`` checks each entry is needed.
KNOWN_ERRATA: dict[tuple[str, str], str] = {
    ("getLeadFields", "$.additional_data.*"): _flat_paging("/leadFields"),
    ("getDealFields", "$.additional_data.*"): _flat_paging("/dealFields"),
    ("getDealUpdates", "$.additional_data.*"): _flat_paging("/deals/{id}/flow"),
    ("getDealParticipants", "$.additional_data.*"): _flat_paging("/deals/{id}/participants"),
    ("getDealMailMessages", "$.additional_data.*"): _flat_paging("/deals/{id}/mailMessages"),
    ("getLeads", "$.additional_data"): _no_paging_in_example("/leads"),
    ("getArchivedLeads", "$.additional_data"): _no_paging_in_example("/leads/archived"),
    ("getMailThreads", "$.additional_data"): (
        "v1.yaml paths./mailbox/mailThreads.get takes start/limit, but neither its 200 schema nor "
        "its example documents any additional_data, so whether another page exists is not in the "
        "spec (v1-reference §4 'Mailbox', §10 #6). Workaround: without paging metadata the client "
        "(api.pagination.read_offset_meta) stops after a page shorter than the limit it asked for."
    ),
}


def erratum_key(operation_id: str, json_path: str) -> tuple[str, str] | None:
    """The key of the erratum that covers an error at ``json_path`` of an operation, if any."""
    for key in KNOWN_ERRATA:
        if key[0] == operation_id and _path_pattern(key[1]).fullmatch(json_path):
            return key
    return None


def erratum_for(operation_id: str, json_path: str) -> str | None:
    """The reason an error at ``json_path`` of ``operation_id``'s response is a known spec bug."""
    key = erratum_key(operation_id, json_path)
    return None if key is None else KNOWN_ERRATA[key]


@functools.cache
def _path_pattern(pattern: str) -> re.Pattern[str]:
    regex = re.escape(pattern)
    regex = regex.replace(r"\[\*\]", r"\[\d+\]")
    regex = regex.replace(r"\*\*", r".*").replace(r"\*", r"[^.\[]+")
    return re.compile(regex)


# --- loading --------------------------------------------------------------------------------------


def spec_dir() -> Path:
    """Where the specs are: ``$PIPEDRIVE_SPEC_DIR``, else ``../shared/pipedrive-openapi``."""
    override = os.environ.get(SPEC_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "pipedrive-openapi"


@dataclass(frozen=True, eq=False)
class Specs:
    """Both parsed spec documents (read-only: they are shared by the whole session)."""

    directory: Path
    documents: Mapping[str, Mapping[str, Any]]
    sha256: Mapping[str, str]

    def __getitem__(self, version: str) -> Mapping[str, Any]:
        """The document of ``"v1"`` or ``"v2"``."""
        return self.documents[version]


def load_specs() -> Specs:
    """Both specs, parsed once per session; skips the calling test when they are absent."""
    directory = spec_dir()
    if not all((directory / name).is_file() for name in SPEC_FILES.values()):
        if os.environ.get(SPEC_DIR_ENV):
            pytest.skip(f"{directory} (${SPEC_DIR_ENV}) not found: spec-based tests need the specs")
        pytest.skip(SKIP_REASON)
    return _load_specs(directory.resolve())


@functools.cache
def _load_specs(directory: Path) -> Specs:
    documents: dict[str, Mapping[str, Any]] = {}
    hashes: dict[str, str] = {}
    for version, name in SPEC_FILES.items():
        hashes[version], documents[version] = load_spec(directory / name)
    return Specs(directory, documents, hashes)


def spec_validator() -> SpecValidator:
    """The session's validator over both specs; skips the calling test when they are absent."""
    return _validator(load_specs())


@functools.cache
def _validator(specs: Specs) -> SpecValidator:
    return SpecValidator(specs)


# --- OpenAPI 3.0 schema → JSON Schema 2020-12 -----------------------------------------------------

#: OpenAPI keys that are not JSON Schema, or that would only add noise to a check.
_DROPPED = frozenset({"example", "discriminator", "xml", "externalDocs", "nullable"})
#: Keywords holding one subschema.
_ONE = ("items", "not", "additionalProperties")
#: Keywords holding a list of subschemas.
_MANY = ("allOf", "oneOf", "anyOf")


def to_json_schema(schema: Any, ref_base: str = "") -> Any:
    """Translate an OpenAPI 3.0 schema object into JSON Schema 2020-12.

    * ``nullable: true`` adds ``"null"`` to ``type`` (and ``None`` to an ``enum``); on a schema
      built with ``allOf``/``oneOf``/``anyOf`` it wraps the schema as ``anyOf: [schema, null]``.
    * ``$ref: '#/components/…'`` points into ``ref_base`` (a registry resource of the converted
      components), its OpenAPI 3.0 siblings ignored.
    * ``example``, ``x-*`` vendor keys, ``discriminator``, ``xml`` and ``externalDocs`` are
      dropped; ``allOf``/``oneOf``/``anyOf`` are kept; ``format`` stays an annotation.
    * Draft 4 boolean ``exclusiveMinimum``/``exclusiveMaximum`` become numbers.

    Property names, ``enum`` values and ``default`` values are copied as they are.
    """
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return {"$ref": ref_base + schema["$ref"]}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: to_json_schema(sub, ref_base) for name, sub in value.items()}
        elif key in _ONE:
            out[key] = to_json_schema(value, ref_base)
        elif key in _MANY and isinstance(value, list):
            out[key] = [to_json_schema(sub, ref_base) for sub in value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in schema:
                out[key] = schema[bound]
        else:
            out[key] = copy.deepcopy(value)
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        bound = "minimum" if key == "exclusiveMinimum" else "maximum"
        if schema.get(key) is True:
            out.pop(bound, None)
    if schema.get("nullable") is True:
        if any(key in out for key in _MANY):
            return {"anyOf": [out, {"type": "null"}]}
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"] if "null" not in types else types
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


#: The envelope keys Pipedrive sends in every response whose schema declares them.
ENVELOPE_KEYS = ("success", "data", "additional_data")
#: The paging keys Pipedrive sends in ``additional_data`` (or its ``pagination``) when declared.
PAGING_KEYS = ("next_cursor", "pagination", "start", "limit", "more_items_in_collection")


def declared_properties(schema: Any) -> dict[str, list[Any]]:
    """The properties an OpenAPI object schema declares, its ``allOf`` parts included."""
    found: dict[str, list[Any]] = {}
    if not isinstance(schema, dict):
        return found
    for part in schema.get("allOf", ()):
        for name, subschemas in declared_properties(part).items():
            found.setdefault(name, []).extend(subschemas)
    for name, subschema in (schema.get("properties") or {}).items():
        found.setdefault(name, []).append(subschema)
    return found


def envelope_requirements(schema: Any) -> dict[str, Any]:
    """A JSON Schema requiring the envelope and paging keys that ``schema`` declares.

    Pipedrive's schemas mark almost nothing ``required``, yet every response carries its
    envelope (``success``, ``data``, ``additional_data``) and the paging metadata the client
    reads (``next_cursor``, or ``start``/``limit``/``more_items_in_collection``, flat or under
    ``pagination``). Requiring exactly what the schema declares lets a body that lost its
    ``success`` or its paging metadata fail, without inventing keys the spec does not name.
    """
    top = declared_properties(schema)
    required: dict[str, Any] = {"required": [key for key in ENVELOPE_KEYS if key in top]}
    additional: dict[str, list[Any]] = {}
    for subschema in top.get("additional_data", ()):
        for name, subschemas in declared_properties(subschema).items():
            additional.setdefault(name, []).extend(subschemas)
    paging = [key for key in PAGING_KEYS if key in additional]
    if paging:
        inner: dict[str, Any] = {"required": paging}
        pagination: dict[str, list[Any]] = {}
        for subschema in additional.get("pagination", ()):
            for name, subschemas in declared_properties(subschema).items():
                pagination.setdefault(name, []).extend(subschemas)
        nested = [key for key in PAGING_KEYS[2:] if key in pagination]
        if nested:
            inner["properties"] = {"pagination": {"required": nested}}
        required["properties"] = {"additional_data": inner}
    return required


# --- examples -------------------------------------------------------------------------------------

_NOTHING = object()


def assemble_example(schema: Any) -> Any:
    """An example built from a schema's own ``example`` values; LookupError when it has none.

    A schema-level ``example`` wins; an object is assembled from its properties' examples
    (``allOf`` parts merged), an array from its items' example, ``oneOf``/``anyOf`` from their
    first alternative that has examples.
    """
    found = _assemble(schema)
    if found is _NOTHING:
        raise LookupError("the schema has no examples")
    return found


def _assemble(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return _NOTHING
    if "example" in schema:
        return copy.deepcopy(schema["example"])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            found = _assemble(part)
            if isinstance(found, dict):
                merged.update(found)
        own = _assemble({k: v for k, v in schema.items() if k != "allOf"})
        if isinstance(own, dict):
            merged.update(own)
        return merged or _NOTHING
    for key in ("oneOf", "anyOf"):
        for alternative in schema.get(key, ()):
            found = _assemble(alternative)
            if found is not _NOTHING:
                return found
    if isinstance(schema.get("properties"), dict):
        assembled = {
            name: value
            for name, sub in schema["properties"].items()
            if (value := _assemble(sub)) is not _NOTHING
        }
        return assembled or _NOTHING
    if schema.get("type") == "array":
        item = _assemble(schema.get("items"))
        return _NOTHING if item is _NOTHING else [item]
    return _NOTHING


# --- validation -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SpecOperation:
    """One operation of a spec: its template (without the version prefix) and its object."""

    version: str
    method: str
    path: str
    operation_id: str
    operation: Mapping[str, Any]


@dataclass(frozen=True)
class SchemaError:
    """One difference between a body and its schema; ``erratum`` is set when it is a spec bug."""

    json_path: str
    message: str
    schema_path: str
    erratum: str | None = None

    def __str__(self) -> str:
        """``$.data[0].id: 'abc' is not of type 'integer' (at properties/data/…)``."""
        return f"{self.json_path}: {self.message} (schema: {self.schema_path})"


class SpecValidator:
    """Finds operations, examples and response schemas in both specs, and validates bodies."""

    def __init__(self, specs: Specs, *, envelope: bool = True) -> None:
        """Index the operations of ``specs``; ``envelope`` requires the declared envelope keys."""
        self.specs = specs
        self.envelope = envelope
        self._tables: dict[str, PathTable[SpecOperation]] = {}
        self._by_id: dict[tuple[str, str], SpecOperation] = {}
        for version, document in specs.documents.items():
            table: PathTable[SpecOperation] = PathTable()
            for template, item in document["paths"].items():
                for method, operation in item.items():
                    if not isinstance(operation, dict) or "responses" not in operation:
                        continue
                    found = SpecOperation(
                        version, method.upper(), template, operation["operationId"], operation
                    )
                    table.add(method, template, found)
                    self._by_id[version, found.operation_id] = found
            self._tables[version] = table
        self._registries: dict[str, Registry[Any]] = {}
        self._validators: dict[tuple[str, str, str], Draft202012Validator] = {}

    # operations

    def operations(self, version: str) -> Iterator[SpecOperation]:
        """Every operation of one spec."""
        return iter(self._tables[version])

    def operation(self, version: str, method: str, path: str) -> SpecOperation:
        """The operation at a path template or a concrete path, with or without the prefix."""
        prefix = PREFIXES[version]
        if path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        found = self._tables[version].match(method, path)
        if found is None:
            raise AssertionError(
                f"{version} {method.upper()} {path}: no such operation in the spec"
            )
        return found

    def operation_by_id(self, version: str, operation_id: str) -> SpecOperation:
        """The operation with this operationId."""
        try:
            return self._by_id[version, operation_id]
        except KeyError:
            raise AssertionError(f"{version}: no operation {operation_id!r} in the spec") from None

    def response(self, version: str, method: str, path: str, status: int | str) -> tuple[str, Any]:
        """The response object for a status: exact, then ``2XX``-style, then ``default``."""
        operation = self.operation(version, method, path)
        responses = operation.operation.get("responses", {})
        text = str(status)
        for key in (text, text[:1] + "XX", text[:1] + "xx", "default"):
            if key in responses:
                return key, self._deref(version, responses[key])
        raise AssertionError(
            f"{operation.operation_id}: the spec documents no {status} response "
            f"(only {', '.join(responses)})"
        )

    def _deref(self, version: str, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                raise AssertionError(f"{version}: cannot resolve {ref!r}")
            seen.add(ref)
            node = self.specs[version]
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _media(self, version: str, method: str, path: str, status: int | str) -> Mapping[str, Any]:
        operation = self.operation(version, method, path)
        key, response = self.response(version, method, path, status)
        media = response.get("content", {}).get(JSON)
        if media is None:
            raise AssertionError(f"{operation.operation_id} {key}: no {JSON} response in the spec")
        return self._deref(version, media)

    # schemas

    def response_schema(self, version: str, method: str, path: str, status: int | str) -> Any:
        """The JSON Schema 2020-12 translation of the response schema for a status.

        With ``envelope`` (the default) the declared envelope and paging keys are required too
        (see :func:`envelope_requirements`).
        """
        media = self._media(version, method, path, status)
        schema = media.get("schema", {})
        converted = to_json_schema(schema, self._ref_base(version))
        if not self.envelope:
            return converted
        requirements = envelope_requirements(schema)
        if not requirements["required"] and "properties" not in requirements:
            return converted
        return {"allOf": [converted, requirements]}

    def _ref_base(self, version: str) -> str:
        return f"urn:pipedrive-openapi:{version}"

    def _registry(self, version: str) -> Registry[Any]:
        registry = self._registries.get(version)
        if registry is None:
            base = self._ref_base(version)
            components = self.specs[version].get("components", {})
            contents = {
                "components": {
                    "schemas": {
                        name: to_json_schema(schema, base)
                        for name, schema in components.get("schemas", {}).items()
                    }
                }
            }
            resource = Resource.from_contents(contents, default_specification=DRAFT202012)
            registry = Registry().with_resource(base, resource)
            self._registries[version] = registry
        return registry

    def _validator(
        self, version: str, method: str, path: str, status: int | str
    ) -> tuple[SpecOperation, Draft202012Validator]:
        operation = self.operation(version, method, path)
        key, _response = self.response(version, method, path, status)
        cache_key = (version, operation.operation_id, key)
        validator = self._validators.get(cache_key)
        if validator is None:
            schema = self.response_schema(version, method, path, status)
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema, registry=self._registry(version))
            self._validators[cache_key] = validator
        return operation, validator

    def errors(
        self, version: str, method: str, path: str, status: int | str, body: Any
    ) -> list[SchemaError]:
        """Every difference between ``body`` and its schema, known spec errata marked."""
        operation, validator = self._validator(version, method, path, status)
        found = []
        for error in validator.iter_errors(body):
            json_path = _json_path(error)
            found.append(
                SchemaError(
                    json_path,
                    _describe(error),
                    "/".join(str(part) for part in error.absolute_schema_path),
                    erratum_for(operation.operation_id, json_path),
                )
            )
        return sorted(found, key=lambda error: (error.json_path, error.message))

    def validate_response(
        self, version: str, method: str, path: str, status: int | str, body: Any
    ) -> list[SchemaError]:
        """Assert that ``body`` matches the schema, apart from known errata (which are returned).

        ``path`` is a template (``/deals/{id}``) or a concrete path (``/api/v2/deals/42``). The
        AssertionError lists every error with its JSON path.
        """
        found = self.errors(version, method, path, status, body)
        unexpected = [error for error in found if error.erratum is None]
        if unexpected:
            operation = self.operation(version, method, path)
            lines = "\n".join(f"  {error}" for error in unexpected)
            raise AssertionError(
                f"{version} {operation.method} {operation.path} ({operation.operation_id}) "
                f"{status}: {len(unexpected)} schema error(s):\n{lines}"
            )
        return [error for error in found if error.erratum is not None]

    # examples

    def example_responses(
        self, version: str, method: str, path: str, status: int | str = 200
    ) -> list[Any]:
        """Every whole example body the spec gives for a response (copies, safe to change)."""
        media = self._media(version, method, path, status)
        examples = []
        if "example" in media:
            examples.append(copy.deepcopy(media["example"]))
        for example in media.get("examples", {}).values():
            example = self._deref(version, example)
            if isinstance(example, dict) and "value" in example:
                examples.append(copy.deepcopy(example["value"]))
        return examples

    def example_response(
        self, version: str, method: str, path: str, status: int | str = 200
    ) -> Any:
        """The spec's example body, or one assembled from the schema's property examples."""
        examples = self.example_responses(version, method, path, status)
        if examples:
            return examples[0]
        try:
            return assemble_example(self._media(version, method, path, status).get("schema"))
        except LookupError:
            operation = self.operation(version, method, path)
            raise AssertionError(
                f"{operation.operation_id} {status}: the spec has no example"
            ) from None


def _json_path(error: ValidationError) -> str:
    """Where the error is; for a missing property, where the property should have been."""
    if error.validator == "required":
        missing = re.fullmatch(r"(.+) is a required property", error.message)
        if missing:
            name = ast.literal_eval(missing.group(1))
            if isinstance(name, str):
                return f"{error.json_path}.{name}"
    return error.json_path


def _describe(error: ValidationError) -> str:
    """The error's message, cut short, with the closest reason when it is an anyOf/oneOf one."""
    message = _short(error.message)
    if error.context:
        closest = best_match(error.context)
        message += f" (closest: {closest.json_path}: {_short(closest.message)})"
    return message


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
