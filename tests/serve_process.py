"""``python deploy/serve.py`` as a test's child: started on free loopback ports, its printed pids read, stopped.

The command prints one ``name: pid N, ...`` line per process it started (``r1`` … ``rN``, ``haproxy``), then the
URL line; the tests read them to kill one replica, or the command itself, and to check that its children end.
"""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(\w+): pid (\d+)")
URL = re.compile(r"^MLP Playground: (http://\S+)")


def free_ports(count: int) -> int:
    """A port P with P … P + count - 1 all free on loopback now (serve.py takes P and the ones after it)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports")


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for its parent to read its status counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_ended(pids: list[int], timeout: float) -> list[int]:
    """Wait until every process has ended; the pids still running when ``timeout`` seconds are up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


class Served:
    """``deploy/serve.py --replicas N`` on loopback: ``url``, ``pids`` (name -> pid); its stderr goes to a file."""

    def __init__(self, replicas: int, log_path: Path, timeout: float = 90.0):
        self.port = free_ports(replicas + 1)
        self.printed: list[str] = []
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "serve.py"), "--replicas", str(replicas), "--port", str(self.port),
             "--address", "127.0.0.1"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self._log, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.pids: dict[str, int] = {}
        self.url = ""
        deadline = time.monotonic() + timeout
        while not self.url:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"serve.py printed no URL within {timeout} s: {self.printed}; "
                                   f"its stderr: {log_path}") from None
            if match := LINE.match(line):
                self.pids[match.group(1)] = int(match.group(2))
            elif match := URL.match(line):
                self.url = match.group(1)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.printed.append(line.strip())
            self.lines.put(line.strip())
        self.lines.put("")

    def next_line(self, timeout: float) -> str:
        """The next line serve.py prints ("" once it has exited)."""
        return self.lines.get(timeout=timeout)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send ``sig`` (unless it has exited) and wait; its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._log.close()
        return code
