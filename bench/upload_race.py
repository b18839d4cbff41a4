"""A file dropped in the moment a run of the whole page starts: does its upload get its address?

An upload begins with the browser asking the server where to send the file (``BackMsg.file_urls_request``); the
answer (``ForwardMsg.file_urls_response``) waits in the session's queue of outgoing messages until the next flush.
Streamlit 1.67 clears that queue when a run of the whole page starts, keeping only a few kinds of message, and the
answer is not among them; the browser waits for it without a time limit, so the file never arrives and the page
does not change (the user has to drop it again). This script measures it on loopback without a browser
(``bench/visitor.py``): N requests alone, then N each followed at once by a rerun of the page, and prints how many
were never answered.

    python bench/upload_race.py [N]      # about 30 s for N = 20

What the app does about it: nothing of its own starts a run of the whole page while nobody touches it (an idle
page sends the server nothing, ``tests/test_browser_idle.py``), so only a click made in the same moment as a drop
can meet it.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.visitor import Visitor  # noqa: E402
from tests.conftest import StreamlitServer, _free_port  # noqa: E402


async def unanswered(url: str, n: int, rerun_after: bool) -> int:
    """How many of ``n`` upload-address requests get no answer; each followed at once by a rerun if asked."""
    visitor = await Visitor.open(url)
    try:
        for i in range(n):
            await visitor.ask_upload_address(f"r{i}")
            if rerun_after:
                await visitor.rerun()
                await visitor.wait()
            await asyncio.sleep(0.3)
        await asyncio.sleep(2)  # time for any late answer
        return n - len(visitor.upload_addresses)
    finally:
        await visitor.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    server = StreamlitServer(_free_port(), Path(tempfile.mkdtemp()) / "streamlit.log")
    server.start()
    try:
        alone = asyncio.run(unanswered(server.url, n, rerun_after=False))
        raced = asyncio.run(unanswered(server.url, n, rerun_after=True))
    finally:
        server.stop()
    print(f"  upload address requests never answered: alone {alone} of {n}; "
          f"followed at once by a run of the whole page {raced} of {n}")


if __name__ == "__main__":
    main()
