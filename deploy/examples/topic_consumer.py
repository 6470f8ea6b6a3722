"""A department's consumer of one 帮您办 Kafka topic: each message validated against the published schema.

Needs ``pip install aiokafka jsonschema`` and the schema file (``docs/events.schema.json``, or
``GET /asyncapi.yaml`` for the whole event API)::

    python topic_consumer.py --bootstrap kafka:9092 --topic bangnin.coordination \\
        --group department.zrzy-approvals --schema events.schema.json

With the Kafka security of docker-compose.yml (deploy/README.md "Kafka security"), the credentials you were given
come from the environment, under the same names as the services' settings (the password never on the command line)::

    BANGNIN_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT   # or SASL_SSL; unset: PLAINTEXT
    BANGNIN_KAFKA_SASL_MECHANISM=SCRAM-SHA-512       # the default
    BANGNIN_KAFKA_USERNAME=department BANGNIN_KAFKA_PASSWORD=...
    BANGNIN_KAFKA_SSL_CAFILE=bangnin-ca.pem          # SASL_SSL: the CA of the broker's certificate

Your user may only read, with consumer groups named ``<your user>.<anything>``.

Topics are ``<prefix>.<service>`` (intake, coordination, evaluation), one partition each, in log order; the
key is the case id.  Delivery is at least once: commit after handling, and skip event ids already handled.
Personal fields arrive sealed (``enc1:…``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl


def _validator(schema: dict):  # noqa: ANN202
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def load_checker(schema_path: str):  # noqa: ANN201
    """``check(event) -> list of problems``: the envelope, then the payload against its event type's schema
    (the file holds ``envelope`` and ``events[type] = {schema_version, payload}``)."""
    with open(schema_path, encoding="utf-8") as f:
        published = json.load(f)
    envelope = _validator(published["envelope"])
    payloads = {t: (spec["schema_version"], _validator(spec["payload"])) for t, spec in published["events"].items()}

    def check(event: dict) -> list[str]:
        problems = [e.message for e in envelope.iter_errors(event)]
        if problems:
            return problems
        if event["type"] not in payloads:
            return [f"unknown event type {event['type']} (a newer schema file?)"]
        version, payload = payloads[event["type"]]
        if event["schema_version"] != version:
            return [f"{event['type']} version {event['schema_version']}, the schema file has {version}"]
        return [f"payload.{'.'.join(map(str, e.path))}: {e.message}" for e in payload.iter_errors(event["payload"])]
    return check


def security_from_env(env: dict[str, str]) -> dict:
    """aiokafka's security arguments from the ``BANGNIN_KAFKA_*`` variables (SASL/SCRAM, TLS)."""
    protocol = env.get("BANGNIN_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    if protocol not in ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"):
        raise SystemExit(f"BANGNIN_KAFKA_SECURITY_PROTOCOL: {protocol}? PLAINTEXT, SASL_PLAINTEXT or SASL_SSL")
    kwargs: dict = {"security_protocol": protocol}
    if protocol.startswith("SASL_"):
        for name in ("BANGNIN_KAFKA_USERNAME", "BANGNIN_KAFKA_PASSWORD"):
            if not env.get(name):
                raise SystemExit(f"{name}: needed with {protocol}")
        kwargs.update(sasl_mechanism=env.get("BANGNIN_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
                      sasl_plain_username=env["BANGNIN_KAFKA_USERNAME"],
                      sasl_plain_password=env["BANGNIN_KAFKA_PASSWORD"])
    if protocol == "SASL_SSL":  # the broker's certificate checked, and its name
        kwargs["ssl_context"] = ssl.create_default_context(cafile=env.get("BANGNIN_KAFKA_SSL_CAFILE") or None)
    return kwargs


async def consume(bootstrap: str, topic: str, group: str, schema_path: str) -> None:
    from aiokafka import AIOKafkaConsumer  # here, like jsonschema: security_from_env is tested without either

    check = load_checker(schema_path)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, **security_from_env(dict(os.environ)),
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        async for message in consumer:
            event = json.loads(message.value)
            problems = check(event)
            if problems:
                print(f"offset {message.offset}: not a valid event: {problems[0]}", flush=True)
            else:
                print(f"{event['type']} v{event['schema_version']} #{event['position']} case {event['case_id']}", flush=True)
            await consumer.commit()
    finally:
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="read a 帮您办 topic, validating each message")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="bangnin.coordination")
    parser.add_argument("--group", required=True, help="your consumer group (your offsets): <your user>.<name>")
    parser.add_argument("--schema", default="docs/events.schema.json")
    args = parser.parse_args()
    asyncio.run(consume(args.bootstrap, args.topic, args.group, args.schema))


if __name__ == "__main__":
    main()
