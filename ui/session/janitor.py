"""Memory goes back to the machine after visitors leave: a demo server runs for hours, visitor after visitor.

Streamlit keeps a closed browser session for ``server.disconnectedSessionTTL`` seconds, in case the browser
comes back (a network blip must not lose anyone's upload or run). When that time is up it forgets the
session without shutting it down: the session's uploaded files stay in the upload manager for good, and the
session itself, held by reference cycles, waits for Python's next full garbage collection. Even then the C
allocator and pyarrow's allocator keep the freed pages for later.

So, every ``EVERY`` seconds, a janitor thread asks Streamlit's event loop to shut down the sessions whose
time is up, as Streamlit shuts down a session it closes (``AppSession.shutdown``: uploaded files removed,
script stopped); when a session went away, it collects garbage and hands the free pages back
(``release_memory``). It reaches into the session manager's private names (``_session_mgr``,
``_session_storage``, ``_storage_lock``): if a Streamlit release changes them, the janitor logs it once and
does nothing, and tests/test_janitor.py fails.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import ctypes.util
import gc
import os
import sys
import threading
import time

from streamlit.logger import get_logger

EVERY = 5.0  # seconds between two looks at the sessions
M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
MMAP_THRESHOLD = 1 << 20
_LOG = get_logger("mlp_playground.janitor")  # Streamlit's log format and level
_started = False
_start_lock = threading.Lock()
_libc = None


def start() -> None:
    """Start the janitor once per server process (any page's run may call this)."""
    global _started
    if _started:
        return
    with _start_lock:
        if _started:
            return
        _started = True
    _returnable_allocators()
    threading.Thread(target=_loop, name="mlp-janitor", daemon=True).start()


def _returnable_allocators() -> None:
    """Allocate large buffers where freeing them gives the memory back: pyarrow (pandas' text columns) from
    the C allocator instead of its own mimalloc pool, which keeps what it freed; and glibc's large blocks
    (a NumPy array of 1 MB or more) as their own mappings, returned on free. glibc otherwise raises that
    threshold after each large free, up to 32 MB, and the freed arrays of a large upload then stay in its heaps."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is None:
        with contextlib.suppress(ImportError):
            import pyarrow
    if pyarrow is not None:
        with contextlib.suppress(AttributeError, NotImplementedError):
            pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    libc = _glibc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def release_memory(collect: bool = True) -> None:
    """Free what nothing uses any more and give free pages back to the operating system: a full garbage
    collection (objects in reference cycles), pyarrow's pool (pandas keeps text columns there), glibc's heap."""
    if collect:
        gc.collect()
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        with contextlib.suppress(AttributeError):  # an older pyarrow without release_unused()
            pyarrow.default_memory_pool().release_unused()
    libc = _glibc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _glibc():
    """The C library if it is glibc (Linux); None elsewhere (macOS, musl), where there is nothing to tune."""
    global _libc
    if _libc is None:
        _libc = False
        name = ctypes.util.find_library("c")
        with contextlib.suppress(OSError):
            libc = ctypes.CDLL(name) if name else None
            if libc is not None and hasattr(libc, "gnu_get_libc_version"):
                _libc = libc
    return _libc or None


def sweep(runtime) -> tuple[int, int]:
    """Shut down the sessions whose reconnection time is up. Runs on Streamlit's event loop, where the session
    manager expects to be used. Returns (sessions shut down, sessions still kept)."""
    manager = runtime._session_mgr
    storage = manager._session_storage
    with manager._storage_lock:
        expired = storage._cache.expire()
    for _session_id, info in expired:
        info.session.shutdown()
        # Streamlit's own references to a session can outlive it for a while (its event loop keeps the last
        # session it looked at): whatever is still held, the visitor's data (upload, runs, memos) is not.
        info.session.session_state.clear()
    return len(expired), len(manager.list_sessions())


def _sweep_on_event_loop(runtime) -> tuple[int, int]:
    loop = runtime._get_async_objs().eventloop
    if not loop.is_running():  # not a server (streamlit.testing's AppTest), or one stopping
        raise RuntimeError("Streamlit's event loop is not running")

    done: concurrent.futures.Future = concurrent.futures.Future()

    def on_loop() -> None:
        try:
            done.set_result(sweep(runtime))
        except Exception as exc:  # noqa: BLE001 - handed to the janitor's thread
            done.set_exception(exc)

    loop.call_soon_threadsafe(on_loop)
    return done.result(timeout=30)


def _loop() -> None:
    from streamlit.runtime import Runtime

    kept_before = 0
    while True:
        time.sleep(EVERY)
        if not Runtime.exists():
            continue
        try:
            shut, kept = _sweep_on_event_loop(Runtime.instance())
        except (TimeoutError, concurrent.futures.TimeoutError, RuntimeError):
            continue  # the event loop is busy, not started or closed (the server stopping): look again later
        except Exception:  # noqa: BLE001 - never take the server down; say once why memory is not given back
            _LOG.warning("The janitor cannot reach Streamlit's sessions; memory of closed sessions is not "
                         "given back.", exc_info=True)
            return
        if shut or kept < kept_before:
            before = _rss_mb()
            release_memory()
            _LOG.info("Shut down %d closed session(s), %d kept; memory %s → %s MB", shut, kept, before, _rss_mb())
        kept_before = kept


def _rss_mb() -> str:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return f"{pages * os.sysconf('SC_PAGE_SIZE') / 1e6:.0f}"
    except (OSError, ValueError, IndexError):
        return "?"
