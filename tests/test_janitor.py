"""Memory goes back after visitors leave (ui/janitor.py).

Streamlit keeps a closed session for ``server.disconnectedSessionTTL`` seconds and then forgets it without
shutting it down, so its upload stays in the upload manager and its data waits for a full garbage collection.
The janitor shuts such sessions down and gives the memory back. The browser test runs a real server with a
short TTL: a visitor uploads a CSV and leaves, and the server must come back near where it was before the
upload. It fails if a Streamlit release renames what the janitor reaches into.
"""

import re
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import StreamlitServer, _free_port, wait_until_idle, wait_until_main_page_ready
from ui.session import janitor

SHUT_DOWN_ALL = re.compile(r"Shut down [1-9]\d* closed session\(s\), 0 kept")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _write_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 4)).round(6)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    with path.open("w") as f:
        f.write("alpha,bravo,charlie,delta,label\n")
        np.savetxt(f, np.column_stack([X, y]), delimiter=",", fmt=["%.6f"] * 4 + ["%d"])


def test_large_buffers_are_allocated_where_freeing_gives_them_back():
    pyarrow = pytest.importorskip("pyarrow")
    janitor._returnable_allocators()
    assert pyarrow.default_memory_pool().backend_name == "system"
    if janitor._glibc() is None:
        pytest.skip("not glibc: no malloc tuning to check")
    janitor.release_memory()  # a full collection, pyarrow's pool, malloc_trim: none may fail


def _visit_and_upload(browser, server: StreamlitServer, csv: Path) -> float:
    """A visitor opens the app, uploads ``csv``, waits until it is read, and leaves. Returns the server's memory
    while the file was loaded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(server.url)
    wait_until_main_page_ready(page)
    page.locator("[data-testid=stSidebar]").get_by_text("Your CSV file").click()
    dropzone = page.locator("[data-testid=stFileUploaderDropzoneInput]").first
    dropzone.wait_for(state="attached", timeout=30_000)
    wait_until_idle(page)
    dropzone.set_input_files(str(csv))
    page.get_by_text(f"What was done with {csv.name}").wait_for(timeout=120_000)
    wait_until_idle(page, timeout_ms=60_000)
    loaded = _rss_mb(server.proc.pid)
    context.close()
    return loaded


def _wait_until_every_session_is_shut_down(log: Path, times: int) -> None:
    deadline = time.monotonic() + 90
    while len(SHUT_DOWN_ALL.findall(log.read_text(errors="replace"))) < times:
        assert time.monotonic() < deadline, f"no session was shut down; server log:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)


@pytest.mark.browser
def test_a_visitor_who_left_is_shut_down_and_the_memory_of_their_upload_given_back(browser, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.setenv("STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL", "3")
    monkeypatch.setenv("STREAMLIT_SERVER_FILE_WATCHER_TYPE", "none")
    csv = tmp_path / "visitor.csv"
    _write_csv(csv, 400_000)  # about 21 MB
    log = tmp_path / "server.log"
    server = StreamlitServer(_free_port(), log)
    server.start()
    try:
        # A first visitor with the same file: what a server keeps once (imports, compiled kernels) stays.
        _visit_and_upload(browser, server, csv)
        _wait_until_every_session_is_shut_down(log, 1)
        before = _rss_mb(server.proc.pid)
        loaded = _visit_and_upload(browser, server, csv)
        _wait_until_every_session_is_shut_down(log, 2)
        after = _rss_mb(server.proc.pid)
    finally:
        server.stop()
    cost = loaded - before
    print(f"server memory: {before:.0f} MB after a first visitor left, {loaded:.0f} MB with the second one's "
          f"upload, {after:.0f} MB after they left")
    assert cost > 40, f"the upload should cost memory while its visitor is connected ({cost:.0f} MB)"
    # A session kept alive would hold all of it (before the janitor: 786 MB after a crowd left). What stays is
    # Python's small-object allocator: reading the file makes ~2 million short-lived cell strings, and an arena
    # (1 MB) that still holds one live object of the server's is never returned — measured with
    # sys._debugmallocstats: 5–7 arenas more per visitor, live objects and used blocks flat (README, "Reliability").
    assert after - before < 0.4 * cost, (f"memory did not come back: {before:.0f} MB before the upload, "
                                         f"{loaded:.0f} MB with it, {after:.0f} MB after the visitor left")
