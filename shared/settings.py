"""Runtime settings: one source, environment variables prefixed ``BANGNIN_``.

Every setting a district may change without code lives here, with the default
the plan or national practice gives.  See README "Settings".
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
import secrets
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "BANGNIN_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    runtime: Literal["embedded", "distributed"] = "embedded"
    data_dir: Path = Path("data")

    # Auth.  Embedded: a secret is generated once and kept in the data folder.
    secret_key: str | None = None
    token_minutes: int = Field(default=8 * 60, gt=0)
    demo_accounts: bool | None = Field(
        default=None,
        description="Demo accounts (password 'demo'); default on for embedded, off for distributed.",
    )
    # Personal data at rest: AES key (base64) for the eventsourcing cipher.
    cipher_key: str | None = None

    # Messaging.
    relay_poll_seconds: float = Field(default=0.2, gt=0)
    relay_batch_size: int = Field(default=500, gt=0)

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
    test_hooks: bool = Field(default=False, description="Distributed test runs only: settable clock, /ops/test endpoints.")
    test_clock_start: str | None = None
    test_publish_twice: bool = Field(default=False, description="Fault test: every event is published twice.")

    # Coordination.
    deadline_warning_workdays: int = Field(default=1, ge=0)

    # Evaluation (好差评).
    rectification_workdays: int = Field(default=5, gt=0)
    default_rating_after_days: int | None = Field(
        default=None, description="Record 基本满意 for a case unrated after N natural days; off when unset."
    )
    good_rating_includes_basic: bool = Field(
        default=False, description="Count 基本满意 as 好评 in 好评率."
    )
    follow_up_ratio: float = Field(default=0.2, gt=0, le=1)

    # Reporting: weights of the per-department 放管服 assessment scorecard (normalised to 100 points).
    assessment_weights: dict[str, float] = Field(
        default={"on_time": 40, "overdue": 15, "satisfaction": 25, "rectification": 10, "follow_up": 10},
        description="Weights of the scorecard indicators: on_time, overdue, satisfaction, rectification, follow_up.",
    )

    @property
    def demo_accounts_enabled(self) -> bool:
        if self.demo_accounts is None:
            return self.runtime == "embedded"
        return self.demo_accounts

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    @cached_property
    def resolved_secret_key(self) -> str:
        return self.secret_key or self._kept_secret("secret.key", lambda: secrets.token_urlsafe(48))

    @cached_property
    def resolved_cipher_key(self) -> str:
        if self.cipher_key:
            return self.cipher_key
        from eventsourcing.cipher import AESCipher

        return self._kept_secret("cipher.key", lambda: AESCipher.create_key(num_bytes=32))

    def _kept_secret(self, name: str, make) -> str:
        if self.runtime != "embedded":
            raise RuntimeError(f"{ENV_PREFIX}{name.split('.')[0].upper()}_KEY must be set in the distributed runtime")
        path = self.ensure_data_dir() / name
        if not path.exists():
            path.write_text(make())
            path.chmod(0o600)
        return path.read_text().strip()
