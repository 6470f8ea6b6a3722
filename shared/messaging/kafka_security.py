"""The Kafka clients' security: the settings turned into the keyword arguments of every aiokafka client.

One function, :func:`client_security`, for the bus's producer, consumers, probe and admin client alike
(``AIOKafkaProducer(**client_security(settings), ...)``):

* ``PLAINTEXT`` (the default: the launcher's Tansu, a test broker): no credentials, no TLS.
* ``SASL_PLAINTEXT``: SCRAM (``BANGNIN_KAFKA_SASL_MECHANISM``) with the process's own user and password,
  as docker-compose.yml runs it (one user per service, ACLs per user: deploy/README.md "Kafka security").
* ``SASL_SSL``: the same over TLS; the broker's certificate is checked against ``BANGNIN_KAFKA_SSL_CAFILE``
  (the system's CAs when unset) and its host name against the bootstrap address; a client certificate
  (``…_SSL_CERTFILE`` / ``…_SSL_KEYFILE``) only when the broker asks for one.

A setting that would be ignored (a password with PLAINTEXT, a CA file without TLS) or a missing one (SASL
without a user) is an error naming the setting, raised when the bus is built, before anything connects.
The TLS context is the standard library's default client context (what ``aiokafka.helpers.create_ssl_context``
also builds), so this module needs no Kafka library and the web process, which never connects, none.
"""

from __future__ import annotations

from pathlib import Path
import ssl

from shared.settings import ENV_PREFIX, Settings

SASL_PROTOCOLS = ("SASL_PLAINTEXT", "SASL_SSL")
TLS_PROTOCOLS = ("SASL_SSL",)


class KafkaSecurityError(ValueError):
    """Kafka security settings that do not fit together: the message names the setting."""


def _name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def client_security(settings: Settings) -> dict[str, object]:
    """``security_protocol`` and, as the protocol needs them, the SASL credentials and ``ssl_context``."""
    protocol = settings.kafka_security_protocol
    kwargs: dict[str, object] = {"security_protocol": protocol}
    if protocol in SASL_PROTOCOLS:
        password = settings.kafka_password.get_secret_value() if settings.kafka_password else ""
        if not settings.kafka_username:
            raise KafkaSecurityError(f"{_name('kafka_username')}：安全协议 {protocol} 需要 SCRAM 用户名")
        if not password:
            raise KafkaSecurityError(f"{_name('kafka_password')}：安全协议 {protocol} 需要 SCRAM 密码")
        kwargs.update(sasl_mechanism=settings.kafka_sasl_mechanism, sasl_plain_username=settings.kafka_username,
                      sasl_plain_password=password)
    else:
        _unused(settings, ("kafka_username", "kafka_password"), protocol, "SASL_PLAINTEXT 或 SASL_SSL")
    if protocol in TLS_PROTOCOLS:
        kwargs["ssl_context"] = _ssl_context(settings)
    else:
        _unused(settings, ("kafka_ssl_cafile", "kafka_ssl_certfile", "kafka_ssl_keyfile"), protocol, "SASL_SSL")
    return kwargs


def _unused(settings: Settings, fields: tuple[str, ...], protocol: str, used_with: str) -> None:
    for field in fields:
        if getattr(settings, field) is not None:
            raise KafkaSecurityError(f"{_name(field)}：仅用于 {used_with}，安全协议为 {protocol} 时不会被使用")


def _ssl_context(settings: Settings) -> ssl.SSLContext:
    cafile, certfile, keyfile = settings.kafka_ssl_cafile, settings.kafka_ssl_certfile, settings.kafka_ssl_keyfile
    for field, path in (("kafka_ssl_cafile", cafile), ("kafka_ssl_certfile", certfile), ("kafka_ssl_keyfile", keyfile)):
        if path is not None and not Path(path).is_file():
            raise KafkaSecurityError(f"{_name(field)}：找不到文件 {path}")
    if keyfile is not None and certfile is None:
        raise KafkaSecurityError(f"{_name('kafka_ssl_keyfile')}：需与 {_name('kafka_ssl_certfile')}（客户端证书）一起设置")
    try:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(cafile) if cafile else None)
    except ssl.SSLError as e:
        raise KafkaSecurityError(f"{_name('kafka_ssl_cafile')}：不是可用的 PEM 格式 CA 证书（{e.reason}）") from None
    if certfile is not None:
        try:
            context.load_cert_chain(str(certfile), str(keyfile) if keyfile else None)
        except ssl.SSLError as e:
            raise KafkaSecurityError(f"{_name('kafka_ssl_certfile')} / {_name('kafka_ssl_keyfile')}：客户端证书与私钥"
                                     f"无法载入或不匹配（{e.reason}）") from None
    return context
