"""Generate ``token_costs.json``: the ``x-token-cost`` of every operation of Pipedrive's specs.

Usage::

    python -m pipedrive_tui.api.gen_token_costs [SPEC_DIR] [--check]

``SPEC_DIR`` holds Pipedrive's official ``v1.yaml`` and ``v2.yaml``; it defaults to
``$PIPEDRIVE_SPEC_DIR`` or else ``../shared/pipedrive-openapi`` beside the repository. The table
lists, for each operation of both specs, its version, method, full URL path, operationId and
cost, sorted, under a header that records the sha256 of the spec files it was made from. The
runtime reads it through :mod:`pipedrive_tui.api.costs`; never edit it by hand, regenerate it
(a test checks that regenerating gives exactly the committed file).

A path's prefix is the path of the server the operation is served from: ``/v1`` and ``/api/v2``
for all but the three v1 OAuth operations, which the spec serves from
``https://oauth.pipedrive.com`` (so their paths carry no prefix).

PyYAML is imported only when a spec is read: it is a test and tooling dependency, not a runtime
one.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: The spec file of each API version, inside the spec directory.
SPEC_FILES: Mapping[str, str] = {"v1": "v1.yaml", "v2": "v2.yaml"}
#: The environment variable that overrides the spec directory.
SPEC_DIR_ENV = "PIPEDRIVE_SPEC_DIR"
#: Where the table is written: beside this module, inside the package.
OUTPUT = Path(__file__).with_name("token_costs.json")
#: The HTTP methods an OpenAPI path item may hold.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: The key order of one row of the table.
ROW_KEYS = ("version", "method", "path", "operation_id", "cost")


def default_spec_dir() -> Path:
    """The spec directory: ``$PIPEDRIVE_SPEC_DIR``, else ``../shared/pipedrive-openapi``."""
    override = os.environ.get(SPEC_DIR_ENV)
    if override:
        return Path(override)
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "pipedrive-openapi"


@functools.cache
def load_spec(path: Path) -> tuple[str, dict[str, Any]]:
    """The sha256 and the parsed document of one spec file, parsed once per process.

    The document is shared by every caller: treat it as read-only.
    """
    import yaml  # a test/tooling dependency only: imported when a spec is actually read

    raw = path.read_bytes()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(raw, Loader=loader)
    if not isinstance(document, dict) or "paths" not in document:
        raise ValueError(f"{path} is not an OpenAPI document")
    return hashlib.sha256(raw).hexdigest(), document


def _server_path(servers: Any) -> str | None:
    """The path part of the first server URL, without its trailing slash."""
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = servers[0].get("url")
        if isinstance(url, str):
            return urlsplit(url).path.rstrip("/")
    return None


def iter_operations(version: str, document: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """One row per operation of a spec document, paths prefixed with their server's path."""
    root_prefix = _server_path(document.get("servers")) or ""
    for template, item in document["paths"].items():
        if not isinstance(item, dict):
            continue
        item_prefix = _server_path(item.get("servers"))
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            prefix = _server_path(operation.get("servers"))
            if prefix is None:
                prefix = root_prefix if item_prefix is None else item_prefix
            operation_id = operation.get("operationId")
            cost = operation.get("x-token-cost")
            if not isinstance(operation_id, str) or not isinstance(cost, int):
                raise ValueError(
                    f"{version} {method.upper()} {template}: "
                    f"no operationId or integer x-token-cost ({operation_id!r}, {cost!r})"
                )
            yield {
                "version": version,
                "method": method.upper(),
                "path": prefix + template,
                "operation_id": operation_id,
                "cost": cost,
            }


def build_table(spec_dir: Path) -> dict[str, Any]:
    """The whole table: a header naming the specs, then every operation, sorted."""
    specs: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for version, name in SPEC_FILES.items():
        sha256, document = load_spec((spec_dir / name).resolve())
        info = document.get("info", {})
        specs[version] = {
            "file": name,
            "sha256": sha256,
            "title": info.get("title"),
            "version": info.get("version"),
        }
        rows.extend(iter_operations(version, document))
    rows.sort(key=lambda row: (row["version"], row["path"], row["method"]))
    return {
        "generated_by": "python -m pipedrive_tui.api.gen_token_costs",
        "source": "x-token-cost of each operation of Pipedrive's official OpenAPI specs",
        "specs": specs,
        "operations": rows,
    }


def render(table: Mapping[str, Any]) -> str:
    """The table as JSON text: the header indented, one operation per line (short diffs)."""
    header = {key: value for key, value in table.items() if key != "operations"}
    head = json.dumps(header, indent=2, ensure_ascii=False)
    lines = [
        "    " + json.dumps({key: row[key] for key in ROW_KEYS}, ensure_ascii=False)
        for row in table["operations"]
    ]
    body = ",\n".join(lines)
    return head[:-2] + ',\n  "operations": [\n' + body + "\n  ]\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``token_costs.json`` (with ``--check``, only compare); exit 1 when it differs."""
    parser = argparse.ArgumentParser(
        prog="python -m pipedrive_tui.api.gen_token_costs", description=__doc__.split("\n")[0]
    )
    parser.add_argument("spec_dir", nargs="?", type=Path, default=None, help="spec directory")
    parser.add_argument(
        "--check", action="store_true", help="only check that the committed table is up to date"
    )
    args = parser.parse_args(argv)
    spec_dir: Path = args.spec_dir or default_spec_dir()
    missing = [name for name in SPEC_FILES.values() if not (spec_dir / name).is_file()]
    if missing:
        print(f"{spec_dir}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    table = build_table(spec_dir)
    text = render(table)
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else None
    if args.check:
        if current != text:
            print(f"{OUTPUT} is out of date: regenerate it", file=sys.stderr)
            return 1
        return 0
    if current != text:
        OUTPUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"{OUTPUT}: {len(table['operations'])} operations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
