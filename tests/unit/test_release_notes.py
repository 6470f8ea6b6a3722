"""deploy/release_notes.py: which event contracts changed between two exports of docs/events.schema.json."""

from __future__ import annotations

import copy

from deploy.release_notes import compare, markdown


def _doc(**events) -> dict:
    return {"title": "t", "envelope": {"properties": {"type": {"type": "string"}}}, "events": events}


def _event(version: int, **props) -> dict:
    return {"schema_version": version, "description": "说明",
            "payload": {"properties": {k: {"type": v, "title": k} for k, v in props.items()}, "required": list(props)}}


OLD = _doc(**{"intake.A": _event(1, x="string"), "intake.B": _event(1, y="integer"), "intake.C": _event(1, z="string")})


def test_nothing_changed():
    assert compare(OLD, copy.deepcopy(OLD)) == []
    assert "No event contract changed" in markdown([], "v0.1.0")


def test_added_removed_versioned_and_documentation_only():
    new = copy.deepcopy(OLD)
    new["events"]["intake.A"] = _event(2, x="string", w="string")  # a field added, version bumped
    del new["events"]["intake.B"]
    new["events"]["intake.C"]["payload"]["properties"]["z"]["title"] = "Z（新标题）"
    new["events"]["intake.D"] = _event(1, v="string")
    changes = {c.type: c for c in compare(OLD, new)}
    assert changes["intake.A"].kind == "changed" and changes["intake.A"].fields_added == ["w"]
    assert not changes["intake.A"].unversioned
    assert changes["intake.B"].kind == "removed" and changes["intake.C"].kind == "documented"
    assert changes["intake.D"].kind == "added"
    text = markdown(list(changes.values()), "v0.1.0")
    assert "`intake.A` v1 → v2: added `w`." in text and "NOT VERSIONED" not in text


def test_a_payload_changed_without_a_version_bump_is_flagged():
    new = copy.deepcopy(OLD)
    new["events"]["intake.B"] = _event(1, y="string")  # integer → string, same version
    [change] = compare(OLD, new)
    assert change.unversioned and change.fields_changed == ["y"]
    assert "NOT VERSIONED" in markdown([change], "abc123")


def test_a_field_becoming_optional_is_a_change():
    new = copy.deepcopy(OLD)
    new["events"]["intake.A"]["payload"]["required"] = []
    [change] = compare(OLD, new)
    assert change.fields_changed == ["x"] and change.unversioned


def test_the_envelope_is_compared_too():
    new = copy.deepcopy(OLD)
    new["envelope"]["properties"]["trace"] = {"type": "string"}
    assert [c.type for c in compare(OLD, new)] == ["envelope (IntegrationEvent)"]
