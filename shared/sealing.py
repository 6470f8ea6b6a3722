"""Personal data sealed outside the event stores: deterministic tokens for the fields the contracts mark.

The writing services' event stores encrypt whole events (the library's AES-GCM cipher).  What leaves
them — integration events on the bus (Kafka's log segments), reporting's read store (``reporting.sqlite``
and its ``-wal``; MongoDB) — carries every field its contract marks :data:`shared.types.PERSONAL`
(身份证号, phones, people's names) or :data:`shared.types.FREE_TEXT` (notes, reasons, comments: people
write phones and names into them) as a token ``enc1:<base64url(tag + ciphertext)>``: AES-SIV
(RFC 5297; OpenSSL's, through ``cryptography``: 200 times pycryptodome's pure-Python S2V, byte for byte the
same tokens) under a key derived by HKDF-SHA256 from the cipher key of personal data.
AES-SIV is deterministic — the same value gives the same token — so a store can still find equal
values, and folding sealed events gives exactly the documents sealing the folded documents would.

Opening is generic: every string starting with ``enc1:`` is opened, anything else is left as it is
(older rows written in clear, values that were never personal).  Whoever shows data opens it and then
masks it for the roles that do not see it whole (``shared.masking``).
"""

from __future__ import annotations

import base64
from functools import lru_cache
import types
from typing import Annotated, Any, Callable, Union, get_args, get_origin

from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import HKDF
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from pydantic import BaseModel

from shared.types import Sealed

PREFIX = "enc1:"
_TAG = 16
_CONTEXT = b"bangnin read-side sealing v1"

Transform = Callable[[Any], Any]


class SealingError(ValueError):
    """A token that does not open under this key (altered, or sealed under another key)."""


class Sealer:
    """Seals and opens values under one key (64 bytes: AES-256-SIV)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 64:
            raise ValueError("AES-256-SIV needs a 64-byte key")
        self._siv = AESSIV(key)
        # Deterministic both ways, so both are cached: the same names and enterprises recur in every case's events.
        self._opened = lru_cache(maxsize=65536)(self._open_token)
        self._sealed = lru_cache(maxsize=65536)(self._seal_value)

    @classmethod
    def from_cipher_key(cls, cipher_key: str) -> "Sealer":
        """The sealing key derived from the (base64) cipher key of personal data: one key to keep."""
        return cls(HKDF(base64.b64decode(cipher_key), 64, salt=b"bangnin", hashmod=SHA256, context=_CONTEXT))

    # -- one value ---------------------------------------------------------------------------
    def seal(self, value: str | None) -> str | None:
        if not value or value.startswith(PREFIX):
            return value
        return self._sealed(value)

    def _seal_value(self, value: str) -> str:
        sealed = self._siv.encrypt(value.encode("utf-8"), None)  # the tag, then the ciphertext
        return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")

    def open(self, value: str) -> str:
        return self._opened(value) if isinstance(value, str) and value.startswith(PREFIX) else value

    def _open_token(self, token: str) -> str:
        body = token[len(PREFIX):]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if len(raw) <= _TAG:
                raise ValueError("shorter than the tag")
            return self._siv.decrypt(raw, None).decode("utf-8")
        except (ValueError, InvalidTag) as exc:
            raise SealingError("a sealed value does not open under this key (altered, or another key)") from exc

    # -- whole documents ---------------------------------------------------------------------
    def open_all(self, data: Any) -> Any:
        """``data`` with every token in it opened (dicts and lists are copied, nothing else touched)."""
        if isinstance(data, str):
            return self.open(data)
        if isinstance(data, dict):
            return {k: self.open_all(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self.open_all(v) for v in data]
        return data

    def seal_payload(self, event_type: str, payload: dict) -> dict:
        """An event payload with the fields its contract marks sealed (an unknown type: unchanged)."""
        transform = _payload_plan(event_type)
        return transform(payload, self.seal) if transform else payload

    def _sealed_fields(self, event_type: str, payload: dict, actor_name: str | None,
                       on_behalf_of: str | None) -> tuple[dict, str | None, str | None]:
        """What sealing changes in an event: its payload's marked fields, and the envelope's people — the actor's
        name and on whose behalf (a rater's name keyed in by an agent, an enterprise)."""
        return self.seal_payload(event_type, payload), self.seal(actor_name), self.seal(on_behalf_of)

    def seal_event(self, event):  # noqa: ANN001, ANN201 - an IntegrationEvent
        """The event with its personal and free-text fields sealed (see :meth:`_sealed_fields`)."""
        payload, name, on_behalf_of = self._sealed_fields(event.type, event.payload, event.actor.name,
                                                          event.on_behalf_of)
        update = {"payload": payload, "on_behalf_of": on_behalf_of}
        if name:
            update["actor"] = event.actor.model_copy(update={"name": name})
        return event.model_copy(update=update)

    def seal_row(self, row: dict) -> dict:
        """A stored event row (``services.reporting.events.event_row``) sealed as :meth:`seal_event` seals the
        event it was made from — the same fields, the same tokens — without copying models (a rebuild)."""
        payload, name, on_behalf_of = self._sealed_fields(row["type"], row["payload"], row["actor"].get("name"),
                                                          row["on_behalf_of"])
        actor = {**row["actor"], "name": name} if name else row["actor"]
        return {**row, "payload": payload, "actor": actor, "on_behalf_of": on_behalf_of}

    def open_event(self, event):  # noqa: ANN001, ANN201
        update = {"payload": self.open_all(event.payload), "on_behalf_of": self.open(event.on_behalf_of)}
        if event.actor.name:
            update["actor"] = event.actor.model_copy(update={"name": self.open(event.actor.name)})
        return event.model_copy(update=update)


# -- which fields: compiled once per contract from its annotations ---------------------------
Plan = Callable[[Any, Callable[[str], str]], Any]


def _marked(metadata: list | tuple) -> bool:
    return any(isinstance(m, Sealed) for m in metadata)


def _seal_text(value: Any, seal: Callable[[str], str]) -> Any:
    return seal(value) if isinstance(value, str) else value


def plan_for(annotation: Any, metadata: tuple = ()) -> Plan | None:
    """How to seal a value of this type: None when nothing in it is marked."""
    if _marked(metadata):
        return _seal_text
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *meta = get_args(annotation)
        return plan_for(base, tuple(meta))
    if origin in (Union, types.UnionType):
        plans = [p for arg in get_args(annotation) if arg is not type(None) and (p := plan_for(arg))]
        return plans[0] if plans else None
    if origin in (list, tuple, set, frozenset):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        inner = plan_for(args[0]) if args else None
        if inner is None:
            return None
        return lambda value, seal: [inner(v, seal) for v in value] if isinstance(value, list) else value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_plan(annotation)
    return None


@lru_cache(maxsize=None)
def model_plan(model: type[BaseModel]) -> Plan | None:
    fields = {name: plan for name, info in model.model_fields.items()
              if (plan := plan_for(info.annotation, tuple(info.metadata)))}
    if not fields:
        return None

    def transform(value: Any, seal: Callable[[str], str]) -> Any:
        if not isinstance(value, dict):
            return value
        return {k: (fields[k](v, seal) if k in fields and v is not None else v) for k, v in value.items()}
    return transform


@lru_cache(maxsize=None)
def _payload_plan(event_type: str) -> Plan | None:
    from shared.contracts.registry import payload_model

    try:
        return model_plan(payload_model(event_type))
    except LookupError:
        return None


def sealed_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The dotted paths a contract seals (for the README and the tests)."""
    found = []
    for name, info in model.model_fields.items():
        plan = plan_for(info.annotation, tuple(info.metadata))
        if plan is _seal_text:
            found.append(prefix + name)
        elif plan is not None:
            nested = _nested_model(info.annotation)
            found += sealed_fields(nested, f"{prefix}{name}.") if nested else [prefix + name + "[]"]
    return found


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        if found := _nested_model(arg):
            return found
    return None


@lru_cache(maxsize=8)
def sealer_for(cipher_key: str) -> Sealer:
    return Sealer.from_cipher_key(cipher_key)
