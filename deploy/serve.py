"""Several Streamlit replicas behind HAProxy on one machine: every core used, no containers.

    python deploy/serve.py [--replicas N] [--port P] [--address 0.0.0.0]

Starts N ``streamlit run app.py`` processes on 127.0.0.1, ports P+1 … P+N, waits until every one answers its
health check, then starts HAProxy (Debian's ``haproxy``) at ``--address``:P with ``deploy/haproxy.cfg`` rendered
for them, waits until it answers too, and prints the URL. Ctrl-C or SIGTERM stops them all; so does the death of
this process, however it dies (the kernel sends its children SIGTERM). A replica that dies is reported, and
HAProxy sends its visitors to the others; if HAProxy dies, everything stops.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.haproxy_config import render, server_name  # noqa: E402

HEALTH = "/_stcore/health"  # Streamlit's; HAProxy's checks, the Dockerfile's and Kubernetes' probes ask it too
PORT = 8501  # Streamlit's own default: the URL stays the one a single server had
PR_SET_PDEATHSIG = 1


class Stop(Exception):
    """Ctrl-C or SIGTERM arrived."""


def on_signal(*_) -> None:
    raise Stop


def die_with_parent() -> None:
    """In a child, before it runs: ask the kernel for SIGTERM when this process ends, however it ends."""
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=2) as answer:
            return answer.status == 200 and answer.read().strip() == b"ok"
    except OSError:
        return False


def wait_healthy(procs: dict[str, subprocess.Popen], urls: dict[str, str], timeout: float) -> None:
    """Until every URL answers its health check; RuntimeError if a process exits first or time runs out."""
    deadline, waiting = time.monotonic() + timeout, set(urls)
    while waiting:
        for name in sorted(waiting):
            if procs[name].poll() is not None:
                raise RuntimeError(f"{name} exited with code {procs[name].returncode} before it was healthy")
            if healthy(urls[name]):
                waiting.discard(name)
        if waiting and time.monotonic() > deadline:
            raise RuntimeError(f"not healthy within {timeout:.0f} s: {', '.join(sorted(waiting))}")
        time.sleep(0.2)


def haproxy_binary() -> str:
    found = shutil.which("haproxy", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if found is None:
        sys.exit("error: haproxy is not installed; on Debian: sudo apt-get install haproxy")
    return found


def start(cmd: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, preexec_fn=die_with_parent, **kwargs)  # safe: this process has no threads


def stop(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 10
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve(args, workdir: Path) -> int:
    ports = {server_name(n): args.port + n for n in range(1, args.replicas + 1)}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    procs: dict[str, subprocess.Popen] = {}
    haproxy = haproxy_binary()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        for name, port in ports.items():
            procs[name] = start([sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
                                 "--server.port", str(port)], stdout=subprocess.DEVNULL)  # stdout: its own URL
        wait_healthy(procs, urls, args.timeout)
        config = workdir / "haproxy.cfg"
        config.write_text(render(f"{args.address}:{args.port}", [url.split("//")[1] for url in urls.values()]))
        procs["haproxy"] = start([haproxy, "-db", "-f", str(config)])
        wait_healthy(procs, {"haproxy": f"http://127.0.0.1:{args.port}"}, args.timeout)
        for name, proc in procs.items():
            print(f"{name}: pid {proc.pid}" + (f", {urls[name]}" if name in urls else f", config {config}"))
        host = "127.0.0.1" if args.address in ("0.0.0.0", "") else args.address
        print(f"MLP Playground: http://{host}:{args.port} ({args.replicas} replicas behind HAProxy; Ctrl-C stops)",
              flush=True)
        reported = set()
        while "haproxy" not in reported:
            time.sleep(0.3)
            for name, proc in procs.items():
                if proc.poll() is not None and name not in reported:
                    reported.add(name)
                    print(f"{name} exited with code {proc.returncode}"
                          + ("; stopping" if name == "haproxy" else "; HAProxy sends its visitors to the others"),
                          flush=True)
        return 1
    except Stop:
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the stopping short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop(procs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=os.cpu_count(),
                        help="how many Streamlit processes; each uses about one core (default: one per core)")
    parser.add_argument("--port", type=int, default=PORT, help="HAProxy's port; the replicas take the next ones")
    parser.add_argument("--address", default="127.0.0.1", help="where HAProxy listens (0.0.0.0: every interface)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for every process's health")
    args = parser.parse_args()
    if args.replicas < 1:
        parser.error(f"--replicas must be at least 1, got {args.replicas}")
    with tempfile.TemporaryDirectory(prefix="mlp-serve-") as workdir:
        sys.exit(serve(args, Path(workdir)))


if __name__ == "__main__":
    main()
