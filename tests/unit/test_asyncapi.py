"""docs/asyncapi.yaml: current, complete, the same schemas as docs/events.schema.json, valid for the AsyncAPI parser."""

from __future__ import annotations

import json
from pathlib import Path
import shutil
import subprocess

import yaml

from services.asyncapi import asyncapi_document, asyncapi_yaml
from shared.contracts import PUBLISHERS, all_contracts
from tests.conftest import server_missing

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CHECKER = ROOT / "tools" / "asyncapi-check"


def inline(schema: object, defs: dict, prefix: str) -> object:
    """The schema with every local ``$ref`` (``prefix`` + name) replaced by the definition it names."""
    if isinstance(schema, dict):
        if "$ref" in schema and schema["$ref"].startswith(prefix):
            return inline(defs[schema["$ref"].removeprefix(prefix)], defs, prefix)
        return {k: inline(v, defs, prefix) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [inline(v, defs, prefix) for v in schema]
    return schema


def test_the_document_in_docs_is_current():
    """`make schemas` writes docs/asyncapi.yaml from the contracts; a contract change without it fails here."""
    assert (DOCS / "asyncapi.yaml").read_text(encoding="utf-8") == asyncapi_yaml()


def test_every_contract_is_a_message_on_its_publishers_channel_with_its_version():
    doc = asyncapi_document()
    assert doc["asyncapi"] == "3.0.0"
    assert set(doc["channels"]) == set(PUBLISHERS)
    for event_type, model in all_contracts().items():
        service = event_type.split(".", 1)[0]
        channel = doc["channels"][service]
        assert channel["messages"][event_type] == {"$ref": f"#/components/messages/{event_type}"}
        assert channel["bindings"]["kafka"]["partitions"] == 1
        message = doc["components"]["messages"][event_type]
        fixed = message["payload"]["allOf"][1]["properties"]
        assert fixed["type"] == {"const": event_type}
        assert fixed["schema_version"] == {"const": model.schema_version}
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert {"$ref": f"#/channels/{service}/messages/{event_type}"} in doc["operations"][f"publish-{service}"]["messages"]


def test_payload_schemas_match_the_exported_json_schema():
    """A department validating by either document accepts the same messages."""
    doc = yaml.safe_load((DOCS / "asyncapi.yaml").read_text(encoding="utf-8"))
    exported = json.loads((DOCS / "events.schema.json").read_text(encoding="utf-8"))
    components = doc["components"]["schemas"]
    for event_type, entry in exported["events"].items():
        ref = doc["components"]["messages"][event_type]["payload"]["allOf"][1]["properties"]["payload"]
        ours = inline(ref, components, "#/components/schemas/")
        theirs = inline(entry["payload"], entry["payload"].get("$defs", {}), "#/$defs/")
        assert ours == theirs, event_type
    envelope = inline({"$ref": "#/components/schemas/IntegrationEvent"}, components, "#/components/schemas/")
    assert envelope == inline(exported["envelope"], exported["envelope"].get("$defs", {}), "#/$defs/")


def test_the_asyncapi_parser_accepts_the_document():
    """The AsyncAPI project's own parser (@asyncapi/parser from npm, tools/asyncapi-check: `make asyncapi-check`)."""
    node = shutil.which("node")
    if node is None or not (CHECKER / "node_modules" / "@asyncapi" / "parser").is_dir():
        server_missing("the AsyncAPI parser", "node or tools/asyncapi-check/node_modules missing (make asyncapi-check)")
    result = subprocess.run([node, str(CHECKER / "validate.mjs"), str(DOCS / "asyncapi.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(all_contracts())} messages" in result.stdout
