"""The event API in the ecosystem's format: an AsyncAPI 3.0 document built from the contracts.

Written to ``docs/asyncapi.yaml`` by ``make schemas`` (beside the JSON Schema export, from the same
models) and served at ``GET /asyncapi.yaml``.  One channel per publishing service (its Kafka topic, one
partition), one message per integration event type: the envelope with its ``type`` and
``schema_version`` fixed and the event's own payload schema.  Schemas live once, in
``components.schemas``, under the names pydantic gives them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema
import yaml

from shared.contracts import PUBLISHERS, IntegrationEvent, all_contracts
from shared.version import VERSION

REF = "#/components/schemas/{model}"
ENVELOPE = "IntegrationEvent"

DESCRIPTION = """\
“蒙速办·帮您办”案件系统发布的集成事件。每个发布服务（受理 intake、协调 coordination、评价 evaluation）
写入自己的 Kafka 主题 `<前缀>.<服务>`（默认前缀 `bangnin`），每个主题只有一个分区。

- **顺序**：同一服务的事件按其事件日志的顺序（`position` 递增）投递；不同服务之间没有全局顺序，
  按 `occurred_at` 与上游优先（intake → coordination → evaluation）排列即可重现案件历史。
- **键**：消息键为案件编号 `case_id`（UTF-8），同一案件的事件总在同一分区。
- **至少一次**：重启或重试后同一事件可能再次到达；`event_id` 稳定（同一领域事件总是同一编号），
  消费方按 `event_id` 或（`service`, `position`）去重。
- **位置**：`position` 单调递增但可能有空缺（回滚的写入也占用序号），不要据此判断丢失。
- **版本**：`schema_version` 是该事件类型载荷的版本；字段只增不改，改动时版本加一并在 CHANGELOG 说明。
- 载荷中的个人信息字段按部门授权提供；完整的 JSON Schema 另见 `docs/events.schema.json`。
"""

SERVICE_TITLES = {"intake": "受理（intake）", "coordination": "协调与办件（coordination）",
                  "evaluation": "好差评（evaluation）"}


def _schemas() -> tuple[dict[str, str], dict[str, Any]]:
    """Every payload model and the envelope in one pass: (event type → schema name, all schemas)."""
    contracts = all_contracts()
    models = [(IntegrationEvent, "validation")] + [(m, "validation") for m in contracts.values()]
    keys, top = models_json_schema(models, ref_template=REF)
    names = {event_type: keys[(model, "validation")]["$ref"].rsplit("/", 1)[1]
             for event_type, model in contracts.items()}
    return names, top.get("$defs", {})


def _message(event_type: str, schema_name: str, model: Any) -> dict[str, Any]:
    return {
        "name": event_type,
        "title": event_type,
        "summary": model.description or event_type,
        "contentType": "application/json",
        "payload": {
            "allOf": [
                {"$ref": REF.format(model=ENVELOPE)},
                {"type": "object",
                 "properties": {"type": {"const": event_type},
                                "schema_version": {"const": model.schema_version},
                                "payload": {"$ref": REF.format(model=schema_name)}}},
            ],
        },
        "bindings": {"kafka": {"key": {"type": "string", "description": "案件编号 case_id"},
                               "bindingVersion": "0.5.0"}},
        "x-schema-version": model.schema_version,
    }


def asyncapi_document() -> dict[str, Any]:
    contracts = all_contracts()
    names, schemas = _schemas()
    messages = {t: _message(t, names[t], m) for t, m in contracts.items()}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for service in PUBLISHERS:
        own = [t for t in contracts if t.startswith(f"{service}.")]
        channels[service] = {
            "address": "{prefix}." + service,
            "title": SERVICE_TITLES[service],
            "description": f"{SERVICE_TITLES[service]}的全部集成事件，按其事件日志顺序；一个分区。",
            "parameters": {"prefix": {"description": "主题前缀（设置 BANGNIN_KAFKA_TOPIC_PREFIX）",
                                      "default": "bangnin"}},
            "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in own},
            "bindings": {"kafka": {"partitions": 1, "bindingVersion": "0.5.0"}},
        }
        operations[f"publish-{service}"] = {
            "action": "send",
            "title": f"{service} 发布事件",
            "channel": {"$ref": f"#/channels/{service}"},
            "messages": [{"$ref": f"#/channels/{service}/messages/{t}"} for t in own],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "帮您办 Bangnin 集成事件", "version": VERSION, "description": DESCRIPTION},
        "defaultContentType": "application/json",
        "servers": {"kafka": {"host": "kafka:9092", "protocol": "kafka",
                              "description": "区政务服务局的 Kafka（docker-compose.yml；生产环境使用 SASL/TLS）"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block, so the descriptions read as written."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def asyncapi_yaml() -> str:
    return yaml.dump(asyncapi_document(), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


@lru_cache(maxsize=1)
def event_api_document() -> str:
    """The document as served (the contracts do not change while a process runs)."""
    return asyncapi_yaml()
