"""docker-compose.yml's Kafka security cannot drift from services/system.py.

deploy/kafka/init.sh (the users, topics and ACLs kafka-init creates) is run here for real, by ``sh``, with the
Kafka tools replaced by stubs that record their arguments; what it asked the broker for is compared with what the
declaration says each service publishes and consumes.  The compose file is read back to check that each service
logs in as its own user with the password the script gave that user, and that the broker authorizes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from deploy.kafka_acls import department_script, init_script, main
from services.system import SYSTEM
from shared.contracts import PUBLISHERS
from shared.messaging.kafka_security import client_security
from shared.settings import Settings
from tests.conftest import server_missing

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "kafka" / "init.sh"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
PREFIX = "bangnin"
BUS_USERS = [s for s in SYSTEM if s.publishes or s.consumes]
DEPARTMENT = "department"


def password_of(user: str) -> str:
    return f"pw-{user}-0123456789abcdef"


def variable_of(user: str) -> str:
    return f"BANGNIN_KAFKA_PASSWORD_{user.upper()}"


def run(script: str, tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    """The script run by sh, its Kafka tools replaced by stubs that log their argv (one JSON list a line)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.jsonl"
    log.unlink(missing_ok=True)
    for tool in ("kafka-configs.sh", "kafka-topics.sh", "kafka-acls.sh"):
        stub = bin_dir / tool
        stub.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                        "with open(os.environ['STUB_LOG'], 'a') as f:\n"
                        "    f.write(json.dumps([os.path.basename(sys.argv[0])] + sys.argv[1:]) + '\\n')\n")
        stub.chmod(0o755)
    path = tmp_path / "script.sh"
    path.write_text(script)
    done = subprocess.run(["sh", str(path)], capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ["PATH"], "KAFKA_BIN": str(bin_dir), "STUB_LOG": str(log), **env})
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done, calls


def option(call: list[str], name: str) -> str | None:
    return call[call.index(name) + 1] if name in call else None


def acls(calls: list[list[str]]) -> set[tuple[str, str, str, str, str]]:
    """(principal, operation, resource type, resource name, pattern type) for every ACL the script adds."""
    found = set()
    for call in calls:
        if call[0] != "kafka-acls.sh":
            continue
        assert "--add" in call and "--deny-principal" not in call, call
        principal = option(call, "--allow-principal")
        pattern = option(call, "--resource-pattern-type") or "literal"
        if "--cluster" in call:
            resource = ("cluster", "kafka-cluster")
        else:
            kinds = [k for k in ("--topic", "--group", "--transactional-id") if k in call]
            assert len(kinds) == 1, call
            resource = (kinds[0].removeprefix("--"), option(call, kinds[0]))
        operations = [call[i + 1] for i, a in enumerate(call) if a == "--operation"]
        found |= {(principal.removeprefix("User:"), op, *resource, pattern) for op in operations}
    return found


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    env = {variable_of(u): password_of(u) for u in [s.name for s in BUS_USERS] + [DEPARTMENT]}
    done, calls = run(SCRIPT.read_text(encoding="utf-8"), tmp_path_factory.mktemp("init"), env)
    assert done.returncode == 0, done.stderr
    return calls


def test_the_checked_in_script_is_current():
    """`make kafka-init` writes deploy/kafka/init.sh from services/system.py; a change to the system without it fails."""
    assert SCRIPT.read_text(encoding="utf-8") == init_script(PREFIX), "run `make kafka-init`"


def test_every_call_goes_to_the_loopback_admin_listener(executed):
    assert executed and {option(c, "--bootstrap-server") for c in executed} == {"127.0.0.1:19092"}


def test_one_scram_user_per_bus_service_and_the_department_with_its_own_password(executed):
    users = {option(c, "--entity-name"): option(c, "--add-config") for c in executed if c[0] == "kafka-configs.sh"}
    expected = [s.name for s in BUS_USERS] + [DEPARTMENT]
    assert set(users) == set(expected)
    assert "web" not in users  # the pages never connect to Kafka
    for user in expected:
        assert users[user] == f"SCRAM-SHA-512=[iterations=8192,password={password_of(user)}]"


def test_the_topics_are_the_publishers_with_one_partition_each(executed):
    topics = [c for c in executed if c[0] == "kafka-topics.sh"]
    assert sorted(option(c, "--topic") for c in topics) == sorted(f"{PREFIX}.{p}" for p in PUBLISHERS)
    assert {option(c, "--partitions") for c in topics} == {"1"} and all("--if-not-exists" in c for c in topics)


def test_each_service_writes_only_its_own_topic_and_reads_only_what_it_consumes(executed):
    granted = acls(executed)
    for service in BUS_USERS:
        mine = {g[1:] for g in granted if g[0] == service.name}
        expected = {("Read", "topic", f"{PREFIX}.{p}", "literal") for p in service.consumes}
        if service.consumes:
            expected.add(("Read", "group", f"{PREFIX}.{service.name}", "literal"))
        if service.publishes:
            expected |= {("Write", "topic", f"{PREFIX}.{service.name}", "literal"),
                         ("Create", "topic", f"{PREFIX}.{service.name}", "literal"),
                         ("IdempotentWrite", "cluster", "kafka-cluster", "literal")}
        assert mine == expected, service.name


def test_nobody_writes_another_services_topic(executed):
    for principal, operation, kind, name, pattern in acls(executed):
        if operation in {"Write", "Create", "Delete", "Alter", "AlterConfigs", "All"}:
            assert (kind, name, pattern) == ("topic", f"{PREFIX}.{principal}", "literal"), principal
            assert principal in PUBLISHERS


def test_the_department_may_only_read_every_topic_with_its_own_groups(executed):
    theirs = {g[1:] for g in acls(executed) if g[0] == DEPARTMENT}
    assert theirs == {("Read", "topic", f"{PREFIX}.", "prefixed"), ("Read", "group", f"{DEPARTMENT}.", "prefixed")}
    assert {g[0] for g in acls(executed)} == {s.name for s in BUS_USERS} | {DEPARTMENT}


def test_one_more_department_gets_the_same_read_only_grants(tmp_path):
    done, calls = run(department_script("zrzy", PREFIX), tmp_path, {"BANGNIN_KAFKA_PASSWORD_ZRZY": "zrzy-0123456789abcdef"})
    assert done.returncode == 0, done.stderr
    assert [option(c, "--entity-name") for c in calls if c[0] == "kafka-configs.sh"] == ["zrzy"]
    assert acls(calls) == {("zrzy", "Read", "topic", f"{PREFIX}.", "prefixed"),
                           ("zrzy", "Read", "group", "zrzy.", "prefixed")}
    for bad in ("Zrzy", "intake", "a b"):
        with pytest.raises(SystemExit):
            main(["--department", bad])


@pytest.mark.parametrize("value, says", [
    (None, "is not set"), ("", "is not set"), ("short-16", "at least 16"), ("has,a,comma-and-more", "letters, digits"),
    ("has]bracket0123456789", "letters, digits"), ("has space 0123456789", "letters, digits"),
])
def test_a_missing_or_unusable_password_stops_the_script_naming_its_variable(tmp_path, value, says):
    env = {variable_of(u): password_of(u) for u in [s.name for s in BUS_USERS] + [DEPARTMENT]}
    if value is None:
        del env["BANGNIN_KAFKA_PASSWORD_REPORTING"]
    else:
        env["BANGNIN_KAFKA_PASSWORD_REPORTING"] = value
    done, calls = run(SCRIPT.read_text(encoding="utf-8"), tmp_path, env)
    assert done.returncode != 0
    assert "BANGNIN_KAFKA_PASSWORD_REPORTING" in done.stderr and says in done.stderr
    assert "reporting" not in {option(c, "--entity-name") for c in calls if c[0] == "kafka-configs.sh"}
    assert not [c for c in calls if option(c, "--allow-principal") in ("User:reporting", f"User:{DEPARTMENT}")]


# -- docker-compose.yml ------------------------------------------------------------------------------------------
def script_users() -> dict[str, str]:
    """user → the variable holding its password, as the script creates them."""
    return dict(re.findall(r"^user (\S+) (\S+)$", SCRIPT.read_text(encoding="utf-8"), re.MULTILINE))


def referenced(value: str) -> str:
    """``${NAME:?…}`` → NAME (a required variable, never a default)."""
    match = re.fullmatch(r"\$\{([A-Z0-9_]+):\?[^}]*\}", value)
    assert match, f"{value!r} should be a required variable, ${{NAME:?…}}"
    return match.group(1)


def test_the_broker_authenticates_every_client_and_authorizes_by_acl():
    env = COMPOSE["services"]["kafka"]["environment"]
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert env["KAFKA_SUPER_USERS"] == "User:ANONYMOUS"
    protocols = dict(pair.split(":") for pair in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    for listener in env["KAFKA_LISTENERS"].split(","):
        name, address = listener.split("://")
        # a listener without authentication (its principal ANONYMOUS, the super user) only on the loopback
        assert protocols[name].startswith("SASL_") or address.startswith("127.0.0.1:"), listener
    advertised = dict(a.split("://") for a in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    clients = [n for n, address in advertised.items() if not address.startswith("127.0.0.1:")]
    assert clients == ["CLIENTS"] and protocols["CLIENTS"] == "SASL_PLAINTEXT"
    assert advertised["CLIENTS"] == COMPOSE["x-bangnin"]["environment"]["BANGNIN_KAFKA_BOOTSTRAP"]
    assert env["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert env["KAFKA_OPTS"] == "-Djava.security.auth.login.config=/bangnin/broker_jaas.conf"
    assert "ScramLoginModule required" in (ROOT / "deploy" / "kafka" / "broker_jaas.conf").read_text()


def test_kafka_init_runs_the_script_in_the_brokers_network_with_every_password():
    init = COMPOSE["services"]["kafka-init"]
    assert init["image"] == COMPOSE["services"]["kafka"]["image"]
    assert init["network_mode"] == "service:kafka"
    assert init["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    assert [init["entrypoint"][0], *init["command"]] == ["sh", "/bangnin/init.sh"]
    assert "./deploy/kafka:/bangnin:ro" in init["volumes"] and "./deploy/kafka:/bangnin:ro" in COMPOSE["services"]["kafka"]["volumes"]
    assert {name: referenced(value) for name, value in init["environment"].items()} == {
        v: v for v in script_users().values()}


def test_each_service_logs_in_as_its_own_user_with_that_users_password():
    users = script_users()
    for service in SYSTEM:
        env = COMPOSE["services"][service.name]["environment"]
        assert COMPOSE["services"][service.name]["depends_on"]["kafka-init"] == {
            "condition": "service_completed_successfully"}
        values = {k: v for k, v in env.items() if k.startswith("BANGNIN_")}
        if service not in BUS_USERS:  # the web pages: no Kafka user, and the bus builds without one
            assert not {"BANGNIN_KAFKA_USERNAME", "BANGNIN_KAFKA_PASSWORD", "BANGNIN_KAFKA_SECURITY_PROTOCOL"} & set(env)
            assert client_security(Settings(_env_file=None, kafka_bootstrap=env["BANGNIN_KAFKA_BOOTSTRAP"])) == {
                "security_protocol": "PLAINTEXT"}
            continue
        assert env["BANGNIN_KAFKA_USERNAME"] == service.name
        assert referenced(env["BANGNIN_KAFKA_PASSWORD"]) == users[service.name]
        # the environment compose gives the service (its password filled in) makes valid settings for that user
        filled = {k.removeprefix("BANGNIN_").lower(): ("x" * 24 if k == "BANGNIN_KAFKA_PASSWORD" else v)
                  for k, v in values.items() if k.startswith("BANGNIN_KAFKA_")}
        kwargs = client_security(Settings(_env_file=None, **filled))
        assert kwargs == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                          "sasl_plain_username": service.name, "sasl_plain_password": "x" * 24}
    assert set(users) == {s.name for s in BUS_USERS} | {DEPARTMENT}


def test_the_compose_file_is_valid_for_docker_compose():
    """What `make compose-check` checks, and that a missing password stops compose (Debian's docker-compose)."""
    if shutil.which("docker-compose") is None:
        server_missing("docker-compose", "not installed (apt-get install -y docker-compose)")
    env = {**os.environ, "BANGNIN_SECRET_KEY": "check", "BANGNIN_CIPHER_KEY": "check",
           **{v: "check" for v in script_users().values()}}
    done = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    missing = {**env}
    del missing["BANGNIN_KAFKA_PASSWORD_DEPARTMENT"]
    done = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"], env=missing,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "BANGNIN_KAFKA_PASSWORD_DEPARTMENT" in done.stderr
