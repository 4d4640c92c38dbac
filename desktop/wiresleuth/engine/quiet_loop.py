"""The moment a run's checks have set up and wait on the network: when what only the end of
the run needs starts loading (``wizards.loading.end_held``).

Nothing in asyncio says that its loop is idle; a timer that keeps firing on time says it: a
loop busy with the checks' set-up (sockets, tasks, ClientHellos) runs it late.
"""

from __future__ import annotations

import asyncio

QUIET = 0.01
"""Seconds the loop must have run its timers on time: the checks' set-up is a chain of steps
a few milliseconds apart, their probes' answers a round trip away."""
MOST = 0.1
"""Seconds after the checks start at most: what the end needs (0.2-0.3 s of loading) must be
in before the last probe's answer."""
TICK = 0.002
"""Seconds between two looks at the loop."""
LATE = 0.001
"""Seconds a look may come late and the loop still count as idle (timer granularity)."""


async def once_quiet(most: float = MOST, quiet: float = QUIET) -> None:
    """Return once the loop has run every look on time for ``quiet`` seconds, or after
    ``most`` seconds."""
    loop = asyncio.get_running_loop()
    now = loop.time()
    end, calm_since = now + most, now
    while now < end and now - calm_since < quiet:
        await asyncio.sleep(TICK)
        late = loop.time() - now - TICK
        now = loop.time()
        if late > LATE:
            calm_since = now
