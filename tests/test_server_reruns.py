"""What a playing page costs the server: its live views' fragment reruns only while the run is still recorded.

Driven without a browser (``bench/visitor.py`` speaks Streamlit's websocket protocol and sends the reruns the
page's fragment asks for, as the browser does), so what is counted is what the server does.
"""

import asyncio
import threading

from bench.visitor import Visitor

# The default network, 5,000 epochs in batches of 8: seconds of training, more than a click records (half a
# second), and small enough to be recorded to its end and sent whole while it plays (5,000 × 23 parameters).
LINK = "epochs=5000&stop=epochs&n=2000&batch=8"


async def _play(url: str) -> tuple[int, bool, int]:
    visitor = await Visitor.open(url, LINK, timeout=60)
    try:
        await visitor.click("Train", timeout=60)
        for _ in range(60):  # until the page's fragment has no timer (or 30 s: the test fails)
            await visitor.play(0.5)
            if not visitor.fragments:
                break
        ticks, stopped = visitor.fragment_runs, not visitor.fragments
        await visitor.play(3)  # playing on: 5,000 epochs at 30 per second last minutes
        return ticks, stopped, visitor.fragment_runs
    finally:
        await visitor.close()


def test_the_fragment_stops_rerunning_once_the_run_is_recorded_to_its_end(streamlit_server):
    result = []  # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
    worker = threading.Thread(target=lambda: result.append(asyncio.run(_play(streamlit_server.url))))
    worker.start()
    worker.join(timeout=120)
    ticks, stopped, later = result[0]
    assert ticks >= 1  # the click did not record the run whole: the fragment's reruns recorded the rest
    assert stopped  # then the page ran again and left its fragment without a timer
    assert later == ticks, (ticks, later)  # and no rerun came while the run played on
