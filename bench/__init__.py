"""Benchmarks: each prints figures beside a bare baseline measured in the same run, and the ratio.

Run all with ``make bench`` (``python -m bench``), one with ``python -m bench intake``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
import os
from pathlib import Path
import socket
import subprocess
import sys
import time
from typing import Iterator

import httpx


@dataclass
class Report:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def section(self, title: str) -> None:
        print(f"\n== {title}")

    def figure(self, name: str, value: float, unit: str) -> None:
        text = f"{value:,.1f} {unit}"
        self.rows.append((name, text, ""))
        print(f"  {name:<58} {text}")

    def ratio(self, name: str, numerator: float, denominator: float) -> None:
        text = f"{numerator / denominator:.3f}" if denominator else "n/a"
        self.rows.append((name, text, "ratio"))
        print(f"  {name:<58} {text}")


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def embedded_server(data_dir: Path) -> Iterator[str]:
    """``bangnin serve`` in its own process on a loopback port: real HTTP, client and server not sharing a GIL."""
    port = free_port()
    env = {**os.environ, "BANGNIN_LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("embedded server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def login(client: httpx.Client, username: str) -> dict[str, str]:
    r = client.post("/auth/token", data={"username": username, "password": "demo"})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
