"""The outbox relay for Kafka: republishes a service's whole log when the broker lost it.

The relay publishes each service's log in order into a one-partition topic, so
the topic holds at least as many messages as the relay's position (more after
a retried batch).  Fewer means the broker came back empty (Tansu keeps nothing
across a restart; a Kafka cluster rebuilt from scratch neither): the relay then
starts again from position 0, and consumers skip, by their tracking records,
what they had already processed.
"""

from __future__ import annotations

import logging
import time

from shared.messaging.relay import OutboxRelay

log = logging.getLogger(__name__)


class KafkaOutboxRelay(OutboxRelay):
    check_every_seconds = 1.0

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._checked_at = 0.0

    def run_once(self) -> int:
        if time.monotonic() - self._checked_at >= self.check_every_seconds:
            self.check_broker()
        return super().run_once()

    def check_broker(self) -> None:
        with self._lock:
            position = self.positions.get(self.name)
            held = self.bus.end_offset(self.app.service_name)  # type: ignore[attr-defined]
            if held < position:
                log.warning("%s: the broker holds %d messages, the relay had published %d: republishing the log",
                            self.name, held, position)
                self.positions.set(self.name, 0)
            self._checked_at = time.monotonic()
