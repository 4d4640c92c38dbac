"""An NFQUEUE delay line: packets queued by an iptables rule leave later, in order.

There is no netem on this kernel, so delay and holds are made in user space: the callback
keeps the packet object, and a second thread accepts it when its time comes. The queue is
bounded (excess packets are dropped, like a full router buffer); SIGTERM releases every
pending packet and unbinds, so the lab stops cleanly. Usage::

    python -m wiresleuth.lab.servers.delay_line --queue 1 --delay-ms 50
    python -m wiresleuth.lab.servers.delay_line --queue 2 --hold-s 5   # payload hold
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import select
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from wiresleuth.lab.servers.lifecycle import mark_ready, stop_on_signals
from wiresleuth.lab.servers.queue_policy import ConstantDelay, PayloadHold

_Entry = tuple[float, int, Any]


class DelayLine:
    """Queued packets and the thread that releases them."""

    def __init__(self, policy: ConstantDelay | PayloadHold, *, max_pending: int) -> None:
        self._policy = policy
        self._max_pending = max_pending
        self._heap: list[_Entry] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._stopping = False
        self.dropped = 0
        self._thread = threading.Thread(target=self._release_loop, name="release", daemon=True)

    def start(self) -> None:
        """Start the releasing thread."""
        self._thread.start()

    def on_packet(self, pkt: Any) -> None:
        """NFQUEUE callback: pass, drop or keep the packet for later."""
        now = time.monotonic()
        due = self._policy.release_at(pkt.get_payload(), now)
        if due is None:
            pkt.drop()
            return
        if due <= now:
            pkt.accept()
            return
        with self._cond:
            if len(self._heap) >= self._max_pending:
                self.dropped += 1
                pkt.drop()
                return
            heapq.heappush(self._heap, (due, next(self._order), pkt))
            self._cond.notify()

    def _release_loop(self) -> None:
        with self._cond:
            while True:
                if self._stopping and not self._heap:
                    return
                if not self._heap:
                    self._cond.wait(timeout=0.5)
                    continue
                due = self._heap[0][0]
                wait = due - time.monotonic()
                if wait > 0 and not self._stopping:
                    self._cond.wait(timeout=wait)
                    continue
                _, _, pkt = heapq.heappop(self._heap)
                pkt.accept()

    def stop(self) -> None:
        """Release everything still queued, then stop the thread (bounded)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout=2.0)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", type=int, required=True, help="NFQUEUE number")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--delay-ms", type=float, help="delay every packet this long")
    mode.add_argument("--hold-s", type=float, help="hold TCP payload this long (SYNs pass)")
    parser.add_argument("--max-pending", type=int, default=4096, help="queue bound")
    parser.add_argument("--ready-file", type=Path, help="created once the queue is bound")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run until SIGTERM or SIGINT."""
    from netfilterqueue import NetfilterQueue

    args = _parse(argv)
    policy: ConstantDelay | PayloadHold
    if args.delay_ms is not None:
        policy = ConstantDelay(delay=args.delay_ms / 1000.0)
    else:
        policy = PayloadHold(hold=args.hold_s)
    line = DelayLine(policy, max_pending=args.max_pending)
    stop = stop_on_signals()
    nfq = NetfilterQueue()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rcvbuf capped by the kernel: fine
        nfq.bind(args.queue, line.on_packet, max_len=args.max_pending)
    line.start()
    mark_ready(args.ready_file)
    fd = nfq.get_fd()
    try:
        while not stop.is_set():
            try:
                readable, _, _ = select.select([fd], [], [], 0.2)
            except InterruptedError:
                continue
            if readable:
                nfq.run(block=False)
    finally:
        line.stop()
        nfq.unbind()
    print(f"delay line stopped; dropped {line.dropped} packets over the bound", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
