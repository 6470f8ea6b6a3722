"""Drive the launcher's processes exactly as the e2e tests drive the embedded app.

``BANGNIN_TEST_RUNTIME=distributed`` makes the ``api`` fixture start one
:class:`deploy.launcher.Deployment` per test (fresh database, topics and
read-model database on session-wide servers) and talk HTTP to it through a
routing transport: ``/intake…`` to the intake process, ``/coordination…`` to
coordination, and so on (``/auth`` and anything else to the first service,
every process serves the same auth).  The test's ``ManualClock`` is pushed to
every process before each request (test hooks), ``settle()`` polls the
processes' relay and consumer progress, ``runtime.services.<svc>`` opens the
service's own PostgreSQL store read-side in the test process.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
import tempfile
import time
from types import SimpleNamespace
from typing import Iterator

import httpx

from deploy.launcher import Cluster, Deployment
from deploy.servers import ServerUnavailable
from shared.clock import ManualClock
from tests.support import ApiClient


def start_cluster(workdir: Path) -> Iterator[Cluster]:
    from tests.conftest import server_missing

    cluster = Cluster(workdir)
    try:
        cluster.start()
    except ServerUnavailable as exc:
        server_missing("distributed servers", str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


def settings_env(settings) -> dict[str, str]:  # noqa: ANN001
    """A test's own settings (a test may override the ``settings`` fixture) as the processes' environment."""
    import json

    changed = settings.model_dump(mode="json", exclude_defaults=True, exclude={"data_dir", "relay_poll_seconds"})
    return {f"BANGNIN_{k.upper()}": v if isinstance(v, str) else json.dumps(v) for k, v in changed.items()}


def new_deployment(cluster: Cluster, clock: ManualClock, **extra_env: str) -> Deployment:
    from tests.conftest import server_missing

    env = {"BANGNIN_TEST_HOOKS": "true", "BANGNIN_TEST_CLOCK_START": clock.now().isoformat(), **extra_env}
    try:
        return Deployment(cluster, extra_env=env)
    except ServerUnavailable as exc:
        server_missing("postgresql", str(exc))
        raise


class RoutingTransport(httpx.BaseTransport):
    def __init__(self, deployment: Deployment, clock: ManualClock) -> None:
        self.deployment = deployment
        self.clock = clock
        self.inner = httpx.HTTPTransport()
        self._pushed = None

    def target(self, path: str) -> str:
        from shared.positions import answering_service

        first = answering_service(path)  # /inbox → notifications; /supervision/… and /reporting/monthly-submissions/… → evaluation
        return first if first in self.deployment.ports else self.deployment.services[0]

    def push_clock(self) -> None:
        now = self.clock.now()
        if now != self._pushed:
            for svc in self.deployment.processes:
                r = httpx.put(self.deployment.url(svc) + "/ops/test/clock", json={"now": now.isoformat()}, timeout=10)
                r.raise_for_status()
            self._pushed = now

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.push_clock()
        port = self.deployment.ports[self.target(request.url.path)]
        url = request.url.copy_with(scheme="http", host="127.0.0.1", port=port)
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
        routed = httpx.Request(request.method, url, headers=headers, content=request.read())
        response = self.inner.handle_request(routed)
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        # A fresh response, so that the client reads (and times) it as one from any transport.
        extensions = {k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")}
        return httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(raw),
                              extensions=extensions)


class RemoteRuntime:
    """What the e2e tests use of ``api.runtime``, over the processes."""

    def __init__(self, deployment: Deployment, transport: RoutingTransport) -> None:
        self.deployment = deployment
        self.transport = transport
        self._services: dict[str, object] = {}
        self._local = None

    def progress(self) -> dict[str, dict]:
        return {svc: httpx.get(self.deployment.url(svc) + "/ops/progress", timeout=30).json()
                for svc in self.deployment.processes}

    def idle(self) -> bool:
        for report in self.progress().values():
            if any(r["head"] > r["published"] for r in report["relays"].values()):
                return False
            if any(lag != 0 for lag in report["consumers"].values()):
                return False
        return True

    def settle(self, timeout: float = 120.0) -> None:
        """Until every relay has published its head and every consumer group has no lag, twice in a row.

        Generous: a consumer restarted after a kill can wait out a group rebalance on the broker. On a timeout
        the message holds what each process last logged (warnings and errors), which is the reason."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2:
            quiet = quiet + 1 if self.idle() else 0
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {svc}.log\n{self.deployment.log_tail(svc)}" for svc in self.deployment.processes)
                raise TimeoutError(f"not settled after {timeout}s: {self.progress()}\n{logs}")
            time.sleep(0.02)

    def run_scheduled(self) -> None:
        self.transport.push_clock()
        for svc in self.deployment.processes:
            httpx.post(self.deployment.url(svc) + "/ops/test/run-scheduled", timeout=60).raise_for_status()

    @property
    def settings(self) -> "RemoteSettings":
        return RemoteSettings(self)

    @property
    def calendar(self):  # noqa: ANN201
        return self._local_runtime().calendar

    @property
    def services(self) -> SimpleNamespace:
        """Each service's application on its own PostgreSQL store, opened in the test process."""
        return self._local_runtime().services

    def _local_runtime(self):  # noqa: ANN202
        if self._local is None:
            from services.adapters import Adapters
            from services.reporting.mongo_store import MongoReadStore
            from services.runtime import Runtime
            from shared.messaging.bus import InProcessBus
            from shared.messaging.pg_positions import PostgresPositionStore
            from shared.settings import Settings

            env = {k.removeprefix("BANGNIN_").lower(): v for k, v in self.deployment.env.items()
                   if k.startswith("BANGNIN_") and k not in ("BANGNIN_LOG_LEVEL", "BANGNIN_WEB_API_URLS")}
            settings = Settings(**env, data_dir=Path(tempfile.mkdtemp(dir=self.deployment.workdir)))
            # The stores of the deployment, read from here; an in-process bus nobody publishes to (not started).
            positions = PostgresPositionStore(settings.postgres_dsn)
            adapters = Adapters(bus=InProcessBus(), positions=positions, read_store=lambda: MongoReadStore(settings),
                                closers=[positions.close])
            self._local = Runtime(settings, self.transport.clock, adapters, self.deployment.services)
        return self._local

    def close(self) -> None:
        if self._local is not None:
            self._local.stop()


class RemoteSettings:
    """Reads the deployment's settings; a change is made in every process (test hook), as in the embedded tests."""

    def __init__(self, runtime: RemoteRuntime) -> None:
        object.__setattr__(self, "_runtime", runtime)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._runtime._local_runtime().settings, name)

    def __setattr__(self, name: str, value: object) -> None:
        for svc in self._runtime.deployment.processes:
            httpx.put(self._runtime.deployment.url(svc) + "/ops/test/settings", json={name: value},
                      timeout=10).raise_for_status()
        setattr(self._runtime._local_runtime().settings, name, value)


class DistributedApiClient(ApiClient):
    def __init__(self, deployment: Deployment, clock: ManualClock) -> None:
        transport = RoutingTransport(deployment, clock)
        super().__init__(httpx.Client(transport=transport, base_url="http://bangnin", timeout=60))  # type: ignore[arg-type]
        self.deployment = deployment
        self._runtime = RemoteRuntime(deployment, transport)

    @property
    def runtime(self) -> RemoteRuntime:  # type: ignore[override]
        return self._runtime


@contextmanager
def running(deployment: Deployment, clock: ManualClock, drop: bool = False) -> Iterator[DistributedApiClient]:
    deployment.start()
    client = DistributedApiClient(deployment, clock)
    try:
        yield client
    finally:
        client.runtime.close()
        client.client.close()
        deployment.stop(drop=drop)
