"""Which event contracts changed between two releases: ``python -m deploy.release_notes FROM [TO]``.

Compares ``docs/events.schema.json`` (``make schemas``) at git ref FROM (a tag or commit: the last release)
with TO (a ref; default the working tree) and prints the "Event contracts" section of the release notes in
Markdown.  Exits 1 when a published payload changed without a new ``schema_version``: such a change
needs a version bump and an upcaster (docs/DEVELOPING.md), or consumers and old stores break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import json
from pathlib import Path
import subprocess
import sys
from typing import Any

SCHEMA = "docs/events.schema.json"
_DOC_KEYS = {"description", "title", "examples"}


@dataclass
class Change:
    type: str
    kind: str  # added | removed | changed | documented
    old_version: int | None = None
    new_version: int | None = None
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_changed: list[str] = field(default_factory=list)

    @property
    def unversioned(self) -> bool:
        """The payload changed but its version did not go up."""
        return self.kind == "changed" and (self.new_version or 0) <= (self.old_version or 0)


def _shape(schema: Any) -> Any:
    """The schema without its prose: what a consumer's parser sees."""
    if isinstance(schema, dict):
        return {k: _shape(v) for k, v in schema.items() if k not in _DOC_KEYS}
    if isinstance(schema, list):
        return [_shape(v) for v in schema]
    return schema


def _fields(payload: dict) -> tuple[dict, set[str]]:
    return payload.get("properties", {}), set(payload.get("required", []))


def compare(old: dict, new: dict) -> list[Change]:
    """The contract changes from document ``old`` to ``new`` (both as written by ``make schemas``)."""
    changes = []
    before, after = old.get("events", {}), new.get("events", {})
    for name in sorted(before.keys() | after.keys()):
        if name not in before:
            changes.append(Change(name, "added", new_version=after[name]["schema_version"]))
            continue
        if name not in after:
            changes.append(Change(name, "removed", old_version=before[name]["schema_version"]))
            continue
        a, b = before[name], after[name]
        change = Change(name, "changed", a["schema_version"], b["schema_version"])
        if _shape(a["payload"]) == _shape(b["payload"]):
            if a == b:
                continue
            change.kind = "documented"
        else:
            (pa, ra), (pb, rb) = _fields(a["payload"]), _fields(b["payload"])
            change.fields_added = sorted(pb.keys() - pa.keys())
            change.fields_removed = sorted(pa.keys() - pb.keys())
            change.fields_changed = sorted(n for n in pa.keys() & pb.keys()
                                           if _shape(pa[n]) != _shape(pb[n]) or ((n in ra) != (n in rb)))
            if not (change.fields_added or change.fields_removed or change.fields_changed):
                change.fields_changed = ["(shared definitions)"]
        changes.append(change)
    if _shape(old.get("envelope")) != _shape(new.get("envelope")):
        changes.append(Change("envelope (IntegrationEvent)", "changed"))
    return changes


def markdown(changes: list[Change], since: str) -> str:
    lines = [f"### Event contracts (since {since})", ""]
    if not changes:
        return "\n".join(lines + ["No event contract changed.", ""])
    for c in changes:
        if c.kind == "added":
            lines.append(f"- `{c.type}` v{c.new_version}: new.")
        elif c.kind == "removed":
            lines.append(f"- `{c.type}` v{c.old_version}: no longer published (stored events stay readable).")
        elif c.kind == "documented":
            lines.append(f"- `{c.type}` v{c.new_version}: descriptions only, payload unchanged.")
        else:
            parts = [f"{label} {', '.join(f'`{n}`' for n in names)}" for label, names in
                     (("added", c.fields_added), ("removed", c.fields_removed), ("changed", c.fields_changed)) if names]
            version = (f"v{c.old_version} → v{c.new_version}" if c.old_version is not None else "")
            flag = " **NOT VERSIONED: bump schema_version and add an upcaster**" if c.unversioned and c.old_version else ""
            lines.append(f"- `{c.type}` {version}: {'; '.join(parts) or 'changed'}.{flag}".replace("  ", " "))
    return "\n".join(lines + [""])


def _at(ref: str | None) -> dict:
    if ref is None:
        return json.loads(Path(SCHEMA).read_text(encoding="utf-8"))
    shown = subprocess.run(["git", "show", f"{ref}:{SCHEMA}"], capture_output=True, text=True, check=True)
    return json.loads(shown.stdout)


def _latest_tag() -> str | None:
    run = subprocess.run(["git", "describe", "--tags", "--abbrev=0"], capture_output=True, text=True)
    return run.stdout.strip() or None


def main(argv: list[str]) -> int:
    since = argv[0] if argv else _latest_tag()
    if not since:
        print("usage: python -m deploy.release_notes FROM [TO]  (FROM: the last release's tag or commit)", file=sys.stderr)
        return 2
    until = argv[1] if len(argv) > 1 else None
    changes = compare(_at(since), _at(until))
    print(markdown(changes, since))
    return 1 if any(c.unversioned and c.old_version for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
