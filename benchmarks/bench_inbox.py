"""The helpdesk's inbox with 10,000 bundles indexed: list and grouped view latencies on
SQLite and PostgreSQL side by side, upload throughput, and the server's memory.

For each database: 10,000 synthetic bundles are indexed by inserting their rows directly
(a bundle row, its findings and its facets, with realistic spreads: 400 computers, 40
sites, 25 subnets, 8 gateway vendors, finding IDs of the catalogue with a long tail, over
30 days), then ``--real`` real bundle files (the lab's, each from its own computer) are uploaded
through the HTTP endpoint (checked by the bundle reader, kept, indexed). The inbox runs as
its own process (``wiresleuth inbox serve``); an engineer signs in and each page is
fetched ``--repeat`` times over HTTPS with keep-alive. Prints medians and 95th percentiles
(goal: under 200 ms) and the server's resident memory (psutil, sampled every 50 ms).
PostgreSQL is started the way the tests start it (tests/inbox/postgres.py). Run::

    .venv/bin/python benchmarks/bench_inbox.py [--bundles 10000] [--real 200] [--repeat 20]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
import requests
from sqlalchemy import insert

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.inbox import postgres  # noqa: E402
from tests.inbox.samples import many_bundles  # noqa: E402

from wiresleuth.inbox import accounts, tokens  # noqa: E402
from wiresleuth.inbox.database import Database  # noqa: E402
from wiresleuth.inbox.settings import database_url  # noqa: E402
from wiresleuth.inbox.store import new_id, utc_now  # noqa: E402
from wiresleuth.inbox.tables import BundleRow, FacetRow, FindingRow  # noqa: E402
from wiresleuth.model.catalogue import CATALOGUE  # noqa: E402

PASSWORD = "benchmark password"
MB = 1024 * 1024


def synthetic_rows(db: Database, count: int, seed: int = 19) -> None:
    """``count`` bundles' rows, inserted in batches."""
    rng = random.Random(seed)
    ids = sorted(CATALOGUE)
    weights = [1 / (rank + 1) for rank in range(len(ids))]  # a few findings are most of them
    severity = {i: CATALOGUE[i].severity.value for i in ids}
    sites = [f"app{n}.corp.example:443" for n in range(40)]
    subnets = [f"10.{n}.0.0/22" for n in range(25)]
    vendors = ["Cisco Systems, Inc", "Juniper Networks", "Fortinet, Inc.", "Palo Alto Networks",
               "F5 Networks, Inc.", "Ubiquiti Inc", "HPE", "Zyxel"]  # fmt: skip
    resolvers = [f"10.0.0.{n}" for n in (53, 54, 55, 56)]
    proxies = ["direct", "proxy1.corp.example:3128", "proxy2.corp.example:3128", "10.9.9.9:8080"]
    now = utc_now()
    batch = 1000
    for start in range(0, count, batch):
        bundles, findings, facets = [], [], []
        for _ in range(start, min(count, start + batch)):
            bundle_id = new_id()
            chosen = list(dict.fromkeys(rng.choices(ids, weights, k=rng.randint(1, 7))))
            chosen.sort(key=lambda i: {"problem": 0, "warning": 1, "info": 2}[severity[i]])
            site = rng.sample(sites, rng.randint(1, 3))
            proxy = rng.choice(proxies)
            bundles.append({
                "id": bundle_id, "sha256": hashlib.sha256(bundle_id.encode()).hexdigest(),
                "received_at": now - timedelta(seconds=rng.uniform(0, 30 * 86400)),
                "size": rng.randint(20_000, 5_000_000), "file_name": f"wiresleuth-{bundle_id}.wsbundle",
                "stored_as": f"synthetic/{bundle_id}.wsbundle", "ticket": f"INC-{rng.randint(1, 99999)}" if rng.random() < 0.6 else None,
                "token_id": None, "sender": f"10.{rng.randint(0, 24)}.{rng.randint(0, 3)}.{rng.randint(1, 254)}",
                "program_version": "0.1.0", "run_started": now, "computer": f"PC-{rng.randint(1, 400):04d}",
                "user_name": f"user{rng.randint(1, 350)}", "os": rng.choice(["Windows 11", "Windows 10", "Darwin 23.4", "Linux 6.8"]),
                "headline_id": chosen[0], "headline_title": CATALOGUE[chosen[0]].title,
                "headline_severity": severity[chosen[0]],
                "problems": sum(severity[i] == "problem" for i in chosen),
                "warnings": sum(severity[i] == "warning" for i in chosen),
                "notes": sum(severity[i] == "info" for i in chosen),
                "route": "direct" if proxy == "direct" else f"proxy {proxy}", "subnet": rng.choice(subnets),
                "gateway_vendor": rng.choice(vendors), "has_capture": True, "cancelled": False,
            })  # fmt: skip
            findings += [
                {"bundle_id": bundle_id, "position": n, "finding_id": f, "severity": severity[f],
                 "target": rng.choice(site), "title": CATALOGUE[f].title,
                 "received_at": bundles[-1]["received_at"]}
                for n, f in enumerate(chosen)
            ]  # fmt: skip
            received = bundles[-1]["received_at"]
            facets += [
                {"bundle_id": bundle_id, "kind": kind, "value": value, "received_at": received}
                for kind, value in [
                    *(("site", s) for s in site),
                    ("subnet", bundles[-1]["subnet"]),
                    ("gateway", bundles[-1]["gateway_vendor"]),
                    ("resolver", rng.choice(resolvers)),
                    ("proxy", proxy),
                ]
            ]
        with db.session() as session, session.begin():
            session.execute(insert(BundleRow), bundles)
            session.execute(insert(FindingRow), findings)
            session.execute(insert(FacetRow), facets)


class Server:
    """``wiresleuth inbox serve`` as a process, and its memory sampled while it runs."""

    def __init__(self, data: Path, url: str) -> None:
        self.process = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "wiresleuth"), "inbox", "serve", "--listen", "127.0.0.1:0",
             "--name", "localhost", "--data", str(data), "--db", url, "--retention-days", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        shown = b""
        deadline = time.monotonic() + 60
        assert self.process.stdout is not None
        while b"Ctrl-C stops it" not in shown:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"the inbox did not start: {shown.decode()}")
            ready, _, _ = select.select([self.process.stdout], [], [], 1)
            if ready:
                shown += self.process.stdout.read1(65536)  # type: ignore[attr-defined]
        port = re.search(rb"listening on 127\.0\.0\.1:(\d+)", shown)
        assert port
        self.url = f"https://localhost:{port.group(1).decode()}"
        self.cert = data / "tls" / "inbox-cert.pem"
        self.peak = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def rss(self) -> int:
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.peak = max(self.peak, self.rss())
            except psutil.Error:
                return

    def stop(self) -> None:
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def client(server: Server) -> requests.Session:
    session = requests.Session()
    session.verify = str(server.cert)
    session.trust_env = False
    return session


def sign_in(server: Server) -> requests.Session:
    session = client(server)
    page = session.get(server.url + "/signin", timeout=30).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    answer = session.post(
        server.url + "/signin",
        data={"csrf": csrf.group(1), "name": "bench", "password": PASSWORD, "next": "/bundles"},
        headers={"Origin": server.url}, timeout=30,
    )  # fmt: skip
    assert answer.status_code == 200 and "Bundles" in answer.text, answer.status_code
    return session


PAGES = {
    "list, newest 50": "/bundles",
    "list, one finding": "/bundles?finding=tls.reset_after_client_hello",
    "list, site + 7 days": "/bundles?site=app3.corp.example:443&since=7d",
    "list, text search": "/bundles?q=pc-0042",
    "list, page 100": "/bundles?page=100",
    "grouped, all": "/groups",
    "grouped, 24 hours": "/groups?since=24h",
    "grouped, one vendor": "/groups?gateway=Fortinet%2C+Inc.",
    "grouped, one finding": "/groups?finding=path.qos_policing",
}


def measure(args: argparse.Namespace, kind: str, url: str, folder: Path) -> dict[str, Any]:
    data = folder / kind
    data.mkdir()
    db = Database(database_url(url, data))
    started = time.perf_counter()
    synthetic_rows(db, args.bundles)
    indexed = time.perf_counter() - started
    accounts.add_engineer(db, "bench", PASSWORD)
    token = tokens.create_token(db, "bench").secret
    db.close()
    server = Server(data, url)
    figures: dict[str, Any] = {"index rows": f"{indexed:.1f} s"}
    try:
        figures["memory at start"] = server.rss()
        real = many_bundles(folder / f"{kind}-real", args.real) if args.real else []
        upload = client(server)
        started = time.perf_counter()
        for path in real:
            answer = upload.post(f"{server.url}/upload/{token}", data=path.read_bytes(),
                                 headers={"Content-Disposition": f'attachment; filename="{path.name}"'}, timeout=60)  # fmt: skip
            assert answer.status_code == 201, answer.text
        if real:
            figures["uploads"] = f"{len(real) / (time.perf_counter() - started):.0f} bundles/s"
        session = sign_in(server)
        for name, path in PAGES.items():
            session.get(server.url + path, timeout=60).raise_for_status()  # warm
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                answer = session.get(server.url + path, timeout=60)
                times.append((time.perf_counter() - started) * 1000)
                answer.raise_for_status()
            times.sort()
            figures[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
        figures["memory after"] = server.rss()
        figures["memory peak"] = server.peak
    finally:
        server.stop()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundles", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as temp:
        folder = Path(temp)
        results["SQLite"] = measure(args, "sqlite", f"sqlite:///{folder / 'index.sqlite3'}", folder)
        try:
            with postgres.running() as server:
                url = server.create_database("bench")
                results["PostgreSQL"] = measure(args, "postgresql", url, folder)
        except (FileNotFoundError, RuntimeError) as exc:
            print(f"PostgreSQL skipped: {exc}")
    kinds = list(results)
    print(f"\n{args.bundles} synthetic bundles indexed + {args.real} real ones uploaded; "
          f"each page {args.repeat} times over HTTPS (keep-alive), median / 95th percentile (goal < 200 ms)\n")  # fmt: skip
    print(f"{'':26}" + "".join(f"{k:>24}" for k in kinds))
    for name in results[kinds[0]]:
        cells = []
        for kind in kinds:
            value = results[kind].get(name)
            if isinstance(value, tuple):
                cells.append(f"{value[0]:7.1f} / {value[1]:6.1f} ms")
            elif isinstance(value, int):
                cells.append(f"{value / MB:.0f} MB")
            else:
                cells.append(str(value))
        print(f"{name:26}" + "".join(f"{c:>24}" for c in cells))
    slow = [
        f"{kind} {name}" for kind in kinds for name, value in results[kind].items()
        if isinstance(value, tuple) and value[0] >= 200
    ]  # fmt: skip
    print("\nall medians under 200 ms" if not slow else f"\nover 200 ms: {', '.join(slow)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
