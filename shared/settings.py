"""Runtime settings: one source, environment variables prefixed ``BANGNIN_``.

Every setting a district may change without code lives here, with the default
the plan or national practice gives.  See README "Settings".
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from functools import cached_property
from pathlib import Path
import secrets
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.files import key_once, private_dir, private_file

ENV_PREFIX = "BANGNIN_"
MIN_SECRET_KEY_CHARS = 32     # the token signing secret (HS256)
CIPHER_KEY_BYTES = 32         # the cipher key of personal data: AES-256, base64


class BadKey(ValueError):
    """A key that is too short or malformed: the message names the setting or the file."""


def check_cipher_key(value: str, where: str) -> str:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadKey(f"{where}：密钥应为 base64 编码的 {CIPHER_KEY_BYTES} 字节 AES 密钥") from None
    if len(raw) != CIPHER_KEY_BYTES:
        raise BadKey(f"{where}：密钥长度为 {len(raw)} 字节，应为 {CIPHER_KEY_BYTES} 字节（AES-256，base64 编码）")
    return value.strip()


def check_secret_key(value: str, where: str) -> str:
    if len(value.strip()) < MIN_SECRET_KEY_CHARS:
        raise BadKey(f"{where}：令牌签名密钥至少 {MIN_SECRET_KEY_CHARS} 个字符（现为 {len(value.strip())} 个）")
    return value.strip()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    runtime: Literal["embedded", "distributed"] = "embedded"
    data_dir: Path = Path("data")
    keys_dir: Path | None = Field(
        default=None, description="Where the embedded default keeps cipher.key and secret.key (0600, in a 0700 "
                                  "folder); unset: the data folder. Put it apart from the data and its backups.")

    # Auth.  Embedded: a secret is generated once and kept in the data folder.
    secret_key: str | None = None
    token_minutes: int = Field(default=8 * 60, gt=0)
    demo_accounts: bool | None = Field(
        default=None,
        description="Demo accounts (password 'demo'); when unset, on for embedded while no real account "
                    "exists (no <data_dir>/accounts.yaml), off for distributed.",
    )
    # The HTTP edge (README "Security at the edge").
    max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="Largest request body (413 above it).")
    materials_max_bytes: int = Field(default=20 * 1024 * 1024, gt=0,
                                     description="Largest material file (413 above it, naming the limit).")
    login_failures_per_account: int = Field(default=5, gt=0, description="Failed logins per account in the window → 429.")
    login_failures_per_client: int = Field(default=20, gt=0, description="Failed logins per client address in the window → 429.")
    login_window_seconds: int = Field(default=15 * 60, gt=0, description="Window of the login throttle.")
    web_api_urls: dict[str, str] = Field(default_factory=dict, description=(
        "The web pages' API: the base URL of each service (intake, coordination, evaluation, reporting) for a "
        "`web` process of the distributed runtime, as JSON; empty: the pages call the API of their own process."))
    web_secure_cookies: bool = Field(default=False, description="Mark the web session cookie Secure (behind HTTPS).")
    docs: bool = Field(default=True, description="Serve the API docs (/docs, /redoc); off in production if wanted.")
    # Personal data at rest: AES key (base64) for the eventsourcing cipher.
    cipher_key: str | None = None

    # Messaging.
    relay_poll_seconds: float = Field(default=0.2, gt=0)
    relay_batch_size: int = Field(default=500, gt=0)
    read_after_timeout_seconds: float = Field(
        default=2.0, ge=0, le=60, description="How long a request with X-Bangnin-After waits for that position.")

    # Distributed runtime (issue 6).
    postgres_dsn: str = "postgresql://postgres@127.0.0.1:5432/bangnin"
    kafka_bootstrap: str = "127.0.0.1:9092"
    mongo_url: str = "mongodb://127.0.0.1:27017"
    mongo_database: str = "bangnin"
    kafka_topic_prefix: str = "bangnin"
    kafka_idempotence: bool = Field(default=True, description="Off only for brokers that refuse it (Tansu).")
    kafka_replication_factor: int = Field(default=1, gt=0)
    kafka_session_timeout_ms: int = Field(default=10000, ge=1000, description="Consumer-group session timeout.")
    kafka_max_batch_bytes: int = Field(default=16384, gt=0, description="Tansu: 1 (one record per batch; its "
                                       "high-water mark is wrong after a multi-record batch).")
    # The Kafka clients' security (deploy/README.md "Kafka security"; shared/messaging/kafka_security.py).
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="SASL_PLAINTEXT (SCRAM, docker-compose.yml) or SASL_SSL (SCRAM over TLS).")
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = "SCRAM-SHA-512"
    kafka_username: str | None = Field(default=None, description="This process's SCRAM user (SASL only).")
    kafka_password: SecretStr | None = Field(default=None, description="Its SCRAM password (SASL only).")
    kafka_ssl_cafile: Path | None = Field(default=None, description="PEM file of the CA(s) the broker's certificate "
                                          "is checked against (SASL_SSL); unset: the system's CAs.")
    kafka_ssl_certfile: Path | None = Field(default=None, description="Client certificate, PEM (SASL_SSL, only when "
                                            "the broker asks for one: ssl.client.auth).")
    kafka_ssl_keyfile: Path | None = Field(default=None, description="The client certificate's private key, PEM.")
    test_hooks: bool = Field(default=False, description="Distributed test runs only: settable clock, /ops/test endpoints.")
    test_clock_start: str | None = None
    test_publish_twice: bool = Field(default=False, description="Fault test: every event is published twice.")

    # Webhooks (services/integration, README "Other systems").
    webhook_allowed_hosts: list[str] = Field(default_factory=list, description=(
        "Hosts a webhook subscription may target, as JSON (e.g. [\"hooks.zrzy.example\"]); empty: none. Anything "
        "else is refused (422 naming url) so that a subscription cannot reach internal services."))
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=120, description="One webhook attempt's timeout.")
    webhook_max_attempts: int = Field(default=10, ge=1, le=100,
                                      description="Attempts of one delivery before it is dead-lettered.")
    webhook_retry_base_seconds: float = Field(default=30, ge=0, description="Backoff after the first failure "
                                              "(doubled after each further one).")
    webhook_retry_max_seconds: float = Field(default=6 * 3600, gt=0, description="Longest wait between attempts.")
    webhook_retry_jitter: float = Field(default=0.5, ge=0, le=1, description="Each wait is drawn from "
                                        "[delay × (1 − jitter), delay].")
    webhook_batch_size: int = Field(default=100, gt=0, description="Deliveries attempted per round.")

    # 好差评 upward (README "好差评 upward"): each rating pushed once, as the national interface's record.
    upward_url: str | None = Field(default=None, description=(
        "The provincial 好差评 system's receiving URL (its host must be in BANGNIN_WEBHOOK_ALLOWED_HOSTS); unset: "
        "nothing is pushed, GET /evaluation/upward/export gives the file to upload."))
    upward_secret: str | None = Field(default=None, description="HMAC-SHA256 secret of the upward pushes' signature header.")
    upward_area_code: str = Field(default="150303", pattern=r"^[0-9]{6}$",
                                  description="行政区划代码 in the records (海南区 150303).")
    upward_item_codes: dict[str, str] = Field(default_factory=dict, description=(
        "The province's 事项编码 per catalog item number, as JSON ({\"1\": \"...\"}); unset items get our own code."))

    # Coordination.
    deadline_warning_workdays: int = Field(default=1, ge=0)
    acceptance_workdays: int = Field(
        default=5, ge=1, le=20, description="受理时限：收件后几个工作日内受理或一次性告知补正（《行政许可法》第三十二条：五日）.")

    # Evaluation (好差评).
    rectification_workdays: int = Field(default=5, gt=0)
    default_rating_after_days: int | None = Field(
        default=None, description="Record 基本满意 for a case unrated after N natural days; off when unset."
    )
    good_rating_includes_basic: bool = Field(
        default=False, description="Count 基本满意 as 好评 in 好评率."
    )
    follow_up_ratio: float = Field(default=0.2, gt=0, le=1)
    max_follow_up_ratings: int = Field(default=3, ge=0, le=100,
                                       description="追评 a rater may add to their 首评 of one case.")

    # Notifications (README "Reaching people"): text messages through the SMS port.
    sms_gateway_url: str | None = Field(default=None, description=(
        "The SMS gateway's URL (HTTP POST, JSON, signed); unset: the recording adapter (nothing leaves the process)."))
    sms_gateway_secret: str | None = Field(default=None, description="HMAC-SHA256 secret of the gateway's signature header.")
    sms_templates: dict[str, str] = Field(default_factory=dict, description=(
        "The gateway's template id per message kind (correction_requested, deadline_warning, overdue, ...), as JSON."))
    sms_signature: str = Field(default="帮您办", max_length=12, description="短信签名（【…】）")
    sms_max_attempts: int = Field(default=5, ge=1, le=50, description="Attempts per text message before it is failed.")
    sms_window_start: dt.time = Field(default=dt.time(8, 30), description="Earliest time a text message is sent on a working day.")
    sms_window_end: dt.time = Field(default=dt.time(18, 0), description="No text message from then until the next working morning.")
    public_url: str = Field(default="http://127.0.0.1:8000", description=(
        "The pages' address, for links in text messages and the QR code on the printed 办结单 (its rating page)."))
    # The supervision loop: complaints and suggestions (投诉建议) are answered within N working days.
    complaint_reply_workdays: int = Field(default=5, ge=1, le=60,
                                          description="投诉建议答复时限（工作日），自登记之日起算.")

    # Reporting: weights of the per-department 放管服 assessment scorecard (normalised to 100 points).
    assessment_weights: dict[str, float] = Field(
        default={"on_time": 40, "overdue": 15, "satisfaction": 25, "rectification": 10, "follow_up": 10,
                 "complaints": 10},
        description="Weights of the scorecard indicators: on_time, overdue, satisfaction, rectification, follow_up, "
                    "complaints (投诉建议按期答复率).",
    )

    def demo_accounts_enabled(self, real_accounts: bool) -> bool:
        """Explicitly set: as set. Unset: on for embedded only while there is no real account."""
        if self.demo_accounts is None:
            return self.runtime == "embedded" and not real_accounts
        return self.demo_accounts

    @field_validator("webhook_allowed_hosts", mode="before")
    @classmethod
    def _hosts_from_text(cls, value: object) -> object:
        """A list, or its JSON text (as the environment gives it), or hosts separated by commas."""
        if isinstance(value, str):
            import json

            text = value.strip()
            return json.loads(text) if text.startswith("[") else [h.strip() for h in text.split(",") if h.strip()]
        return value

    @field_validator("cipher_key")
    @classmethod
    def _cipher_key_long_enough(cls, value: str | None) -> str | None:
        return None if value is None else check_cipher_key(value, f"{ENV_PREFIX}CIPHER_KEY")

    @field_validator("secret_key")
    @classmethod
    def _secret_key_long_enough(cls, value: str | None) -> str | None:
        return None if value is None else check_secret_key(value, f"{ENV_PREFIX}SECRET_KEY")

    def ensure_data_dir(self) -> Path:
        """The data folder, private to this user (0700)."""
        return private_dir(self.data_dir)

    def data_file(self, name: str) -> Path:
        """A store of the data folder, created private (0600; SQLite gives its -wal and -shm the same mode)."""
        return private_file(self.ensure_data_dir() / name)

    @property
    def resolved_keys_dir(self) -> Path:
        return self.keys_dir if self.keys_dir is not None else self.data_dir

    @cached_property
    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        return check_secret_key(self._kept_secret("secret.key", lambda: secrets.token_urlsafe(48)),
                                str(self.resolved_keys_dir / "secret.key"))

    @cached_property
    def resolved_cipher_key(self) -> str:
        if self.cipher_key:
            return self.cipher_key
        from eventsourcing.cipher import AESCipher

        return check_cipher_key(self._kept_secret("cipher.key", lambda: AESCipher.create_key(num_bytes=CIPHER_KEY_BYTES)),
                                str(self.resolved_keys_dir / "cipher.key"))

    def _kept_secret(self, name: str, make) -> str:
        if self.runtime != "embedded":
            raise RuntimeError(f"{ENV_PREFIX}{name.split('.')[0].upper()}_KEY must be set in the distributed runtime")
        return key_once(self.resolved_keys_dir / name, make)
