"""Export the integration contract: ``python -m services.schemas [docs/events.schema.json]``.

Writes the JSON Schema of the envelope and of every payload, a Markdown index and the AsyncAPI 3.0
document (services/asyncapi.py) beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

from services.asyncapi import asyncapi_yaml
from shared.contracts import IntegrationEvent, all_contracts, json_schemas


def contract_document() -> dict:
    return {
        "title": "帮您办 integration events",
        "envelope": IntegrationEvent.model_json_schema(),
        "events": json_schemas(),
    }


def markdown_index() -> str:
    lines = ["# Integration events", "",
             "Every event travels in the envelope `IntegrationEvent` (event_id, type, schema_version, case_id, "
             "service, position, occurred_at, actor, on_behalf_of, channel, payload). Full JSON Schema: "
             "`events.schema.json` (regenerate with `make schemas`).", "",
             "| type | version | payload fields | meaning |", "|---|---|---|---|"]
    for name, model in all_contracts().items():
        fields = ", ".join(model.model_fields)
        lines.append(f"| `{name}` | {model.schema_version} | {fields} | {model.description} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs/events.schema.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(contract_document(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    target.with_name("events.md").write_text(markdown_index(), encoding="utf-8")
    target.with_name("asyncapi.yaml").write_text(asyncapi_yaml(), encoding="utf-8")
    print(f"wrote {target}, {target.with_name('events.md')} and {target.with_name('asyncapi.yaml')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
