"""The Kafka clients' security settings (shared/messaging/kafka_security.py): every protocol, every mistake named,
and the TLS context checked by a real handshake with certificates made as deploy/README.md makes them."""

from __future__ import annotations

from pathlib import Path
import socket
import ssl
import subprocess
import threading

import pytest

from shared.messaging.kafka_security import KafkaSecurityError, client_security
from shared.settings import Settings


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


def test_plaintext_is_the_default_and_carries_nothing_else():
    assert client_security(settings()) == {"security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256"])
def test_sasl_plaintext_passes_the_users_credentials(mechanism):
    kwargs = client_security(settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism=mechanism,
                                      kafka_username="intake", kafka_password="s3cret-s3cret-s3cret"))
    assert kwargs == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": mechanism,
                      "sasl_plain_username": "intake", "sasl_plain_password": "s3cret-s3cret-s3cret"}


def test_the_settings_come_from_the_environment_and_the_password_stays_out_of_reprs(monkeypatch):
    monkeypatch.setenv("BANGNIN_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("BANGNIN_KAFKA_USERNAME", "reporting")
    monkeypatch.setenv("BANGNIN_KAFKA_PASSWORD", "from-the-environment-1")
    s = Settings(_env_file=None)
    assert client_security(s)["sasl_plain_password"] == "from-the-environment-1"
    assert client_security(s)["sasl_mechanism"] == "SCRAM-SHA-512"
    assert "from-the-environment-1" not in repr(s)


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SASL_SSL"])
@pytest.mark.parametrize("values, named", [
    ({"kafka_password": "s3cret-s3cret-s3cret"}, "BANGNIN_KAFKA_USERNAME"),
    ({"kafka_username": "intake"}, "BANGNIN_KAFKA_PASSWORD"),
    ({"kafka_username": "intake", "kafka_password": ""}, "BANGNIN_KAFKA_PASSWORD"),
    ({"kafka_username": "", "kafka_password": "s3cret-s3cret-s3cret"}, "BANGNIN_KAFKA_USERNAME"),
])
def test_sasl_without_a_user_or_password_names_the_missing_setting(protocol, values, named):
    with pytest.raises(KafkaSecurityError) as raised:
        client_security(settings(kafka_security_protocol=protocol, **values))
    assert str(raised.value).startswith(f"{named}：") and protocol in str(raised.value)


@pytest.mark.parametrize("protocol, values, named", [
    ("PLAINTEXT", {"kafka_username": "intake"}, "BANGNIN_KAFKA_USERNAME"),
    ("PLAINTEXT", {"kafka_password": "s3cret-s3cret-s3cret"}, "BANGNIN_KAFKA_PASSWORD"),
    ("PLAINTEXT", {"kafka_ssl_cafile": "/etc/ssl/ca.pem"}, "BANGNIN_KAFKA_SSL_CAFILE"),
    ("SASL_PLAINTEXT", {"kafka_ssl_certfile": "/etc/ssl/client.pem"}, "BANGNIN_KAFKA_SSL_CERTFILE"),
    ("SASL_PLAINTEXT", {"kafka_ssl_keyfile": "/etc/ssl/client.key"}, "BANGNIN_KAFKA_SSL_KEYFILE"),
])
def test_a_setting_the_protocol_would_ignore_is_refused_by_name(protocol, values, named):
    creds = {"kafka_username": "intake", "kafka_password": "s3cret-s3cret-s3cret"} if protocol != "PLAINTEXT" else {}
    with pytest.raises(KafkaSecurityError) as raised:
        client_security(settings(kafka_security_protocol=protocol, **{**creds, **values}))
    assert str(raised.value).startswith(f"{named}：") and protocol in str(raised.value)


def test_an_unknown_protocol_or_mechanism_is_refused_by_the_settings():
    with pytest.raises(ValueError, match="kafka_security_protocol"):
        settings(kafka_security_protocol="SSL")
    with pytest.raises(ValueError, match="kafka_sasl_mechanism"):
        settings(kafka_sasl_mechanism="PLAIN")


# -- TLS ---------------------------------------------------------------------------------------------------------
SASL = {"kafka_security_protocol": "SASL_SSL", "kafka_username": "intake", "kafka_password": "s3cret-s3cret-s3cret"}


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def sign(folder: Path, name: str, cn: str, san: str | None = None) -> None:
    """A key and a certificate signed by the folder's CA (the commands of deploy/README.md, smaller keys)."""
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={cn}", "-keyout", f"{name}.key",
            "-out", f"{name}.csr", cwd=folder)
    extra = []
    if san:
        (folder / f"{name}.ext").write_text(f"subjectAltName={san}\n")
        extra = ["-extfile", f"{name}.ext"]
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", *extra, "-out", f"{name}.crt", cwd=folder)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Bangnin trial CA",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=folder)
    sign(folder, "broker", "kafka", "DNS:localhost")
    sign(folder, "client", "intake")
    other = folder / "other"
    other.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Someone else's CA",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=other)
    return folder


class TlsServer:
    """A TLS server on 127.0.0.1 with the broker's certificate; asks for a client certificate signed by the CA."""

    def __init__(self, pki: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(pki / "broker.crt", pki / "broker.key")
        self.context.load_verify_locations(pki / "ca.pem")
        self.context.verify_mode = ssl.CERT_OPTIONAL
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.peer: dict | None = None
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        conn, _ = self.sock.accept()
        try:
            with self.context.wrap_socket(conn, server_side=True) as tls:
                self.peer = tls.getpeercert() or {}
                tls.sendall(b"ok")
        except (ssl.SSLError, OSError):
            pass

    def close(self) -> None:
        self.sock.close()
        self.thread.join(timeout=5)


def handshake(context: ssl.SSLContext, server: TlsServer, host: str = "localhost") -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.recv(2)


def test_sasl_ssl_checks_the_broker_against_the_ca_and_sends_the_client_certificate(pki):
    kwargs = client_security(settings(**SASL, kafka_ssl_cafile=pki / "ca.pem", kafka_ssl_certfile=pki / "client.crt",
                                      kafka_ssl_keyfile=pki / "client.key"))
    assert kwargs["security_protocol"] == "SASL_SSL" and kwargs["sasl_plain_username"] == "intake"
    context = kwargs["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    server = TlsServer(pki)
    try:
        assert handshake(context, server) == b"ok"
    finally:
        server.close()
    assert dict(x[0] for x in server.peer["subject"])["commonName"] == "intake"


def test_the_broker_is_refused_when_its_name_or_its_ca_is_not_the_one_expected(pki):
    for host, ca in (("kafka.elsewhere", pki / "ca.pem"), ("localhost", pki / "other" / "ca.pem")):
        context = client_security(settings(**SASL, kafka_ssl_cafile=ca))["ssl_context"]
        server = TlsServer(pki)
        try:
            with pytest.raises(ssl.SSLCertVerificationError):
                handshake(context, server, host)
        finally:
            server.close()


def test_sasl_ssl_without_a_ca_file_trusts_the_systems_cas_and_sends_no_certificate(pki):
    context = client_security(settings(**SASL))["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    server = TlsServer(pki)
    try:
        with pytest.raises(ssl.SSLCertVerificationError):  # a private CA is not among the system's
            handshake(context, server)
    finally:
        server.close()


def test_tls_files_that_are_missing_unreadable_or_unmatched_are_named(pki, tmp_path):
    (tmp_path / "garbage.pem").write_text("not a certificate\n")
    cases = [
        ({"kafka_ssl_cafile": tmp_path / "absent.pem"}, "BANGNIN_KAFKA_SSL_CAFILE："),
        ({"kafka_ssl_cafile": tmp_path / "garbage.pem"}, "BANGNIN_KAFKA_SSL_CAFILE："),
        ({"kafka_ssl_keyfile": pki / "client.key"}, "BANGNIN_KAFKA_SSL_KEYFILE："),
        ({"kafka_ssl_certfile": pki / "client.crt", "kafka_ssl_keyfile": tmp_path / "absent.key"},
         "BANGNIN_KAFKA_SSL_KEYFILE："),
        ({"kafka_ssl_certfile": pki / "client.crt", "kafka_ssl_keyfile": pki / "broker.key"},
         "BANGNIN_KAFKA_SSL_CERTFILE / BANGNIN_KAFKA_SSL_KEYFILE："),
        ({"kafka_ssl_certfile": pki / "client.crt"}, "BANGNIN_KAFKA_SSL_CERTFILE / BANGNIN_KAFKA_SSL_KEYFILE："),
    ]
    for values, named in cases:
        with pytest.raises(KafkaSecurityError) as raised:
            client_security(settings(**SASL, kafka_ssl_cafile=pki / "ca.pem", **values) if "kafka_ssl_cafile" not in values
                            else settings(**SASL, **values))
        assert str(raised.value).startswith(named), (values, str(raised.value))


# -- the departments' example consumer ---------------------------------------------------------------------------
@pytest.mark.parametrize("env", [
    {},
    {"BANGNIN_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "BANGNIN_KAFKA_USERNAME": "department",
     "BANGNIN_KAFKA_PASSWORD": "given-to-the-department"},
    {"BANGNIN_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "BANGNIN_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
     "BANGNIN_KAFKA_USERNAME": "zrzy", "BANGNIN_KAFKA_PASSWORD": "given-to-the-department"},
    {"BANGNIN_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "BANGNIN_KAFKA_USERNAME": "department",
     "BANGNIN_KAFKA_PASSWORD": "given-to-the-department", "BANGNIN_KAFKA_SSL_CAFILE": "ca.pem"},
])
def test_the_example_consumer_reads_the_same_variables_as_the_services(env, pki, monkeypatch):
    """deploy/examples/topic_consumer.py (stand-alone: it cannot import shared/) logs in as a service would."""
    from deploy.examples.topic_consumer import security_from_env

    env = {k: (str(pki / v) if k.endswith("CAFILE") else v) for k, v in env.items()}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ours, theirs = client_security(Settings(_env_file=None)), security_from_env(env)
    assert set(ours) == set(theirs)
    assert {k: v for k, v in ours.items() if k != "ssl_context"} == {k: v for k, v in theirs.items() if k != "ssl_context"}
    if "ssl_context" in ours:
        assert theirs["ssl_context"].get_ca_certs() == ours["ssl_context"].get_ca_certs() != []
        assert theirs["ssl_context"].check_hostname and theirs["ssl_context"].verify_mode == ssl.CERT_REQUIRED


def test_the_example_consumer_names_a_missing_credential():
    from deploy.examples.topic_consumer import security_from_env

    with pytest.raises(SystemExit, match="BANGNIN_KAFKA_PASSWORD"):
        security_from_env({"BANGNIN_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "BANGNIN_KAFKA_USERNAME": "department"})
    with pytest.raises(SystemExit, match="BANGNIN_KAFKA_SECURITY_PROTOCOL"):
        security_from_env({"BANGNIN_KAFKA_SECURITY_PROTOCOL": "SSL"})
