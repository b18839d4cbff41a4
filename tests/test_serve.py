"""deploy/serve.py without a browser: HAProxy answers in front of the replica and names it in its cookie, and when
the command is killed outright (SIGKILL: no chance to clean up) its replica and HAProxy end with it."""

from __future__ import annotations

import signal
import urllib.request

from deploy.haproxy_config import COOKIE
from tests.serve_process import Served, alive, wait_ended


def test_a_killed_serve_takes_its_replica_and_haproxy_with_it(artifacts_dir):
    served = Served(1, artifacts_dir / "serve-killed.log")
    try:
        assert set(served.pids) == {"r1", "haproxy"}
        with urllib.request.urlopen(served.url, timeout=10) as page:
            assert page.status == 200
            assert f"{COOKIE}=r1;" in page.headers["Set-Cookie"]
        assert all(alive(pid) for pid in served.pids.values())
        served.stop(signal.SIGKILL)
        assert wait_ended(list(served.pids.values()), timeout=30) == []
    finally:
        served.stop()
