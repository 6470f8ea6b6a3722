"""The event API document is served by the running system, as docs/asyncapi.yaml holds it."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_asyncapi_document_is_served_without_a_token(api):  # noqa: ANN001
    response = api.client.get("/asyncapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    served = yaml.safe_load(response.text)
    assert served == yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert served["asyncapi"] == "3.0.0"
