"""A healthy TLS server on 127.0.0.1 for the package smoke test (lives at most ``--seconds``).

Runs in the smoke test's private network namespace, outside the clean root (the root has no
Python: the program under test brings its own). Writes its test CA (for the root's trust
store) and its port, then serves ``tests.probes.loopback_servers.tls_ok`` until its time
is up or it is killed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import trustme
from tests.probes.loopback_servers import LoopbackServer, tls_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installers.linux.smoke_server")
    parser.add_argument("--ca-out", type=Path, required=True, help="write the test CA (PEM) here")
    parser.add_argument("--port-out", type=Path, required=True, help="write the port here")
    parser.add_argument("--seconds", type=float, default=300.0, help="stop after this long")
    args = parser.parse_args(argv)
    ca = trustme.CA(organization_name="WireSleuth smoke-test CA")
    args.ca_out.write_bytes(ca.cert_pem.bytes())
    with LoopbackServer(tls_ok(ca)) as server:
        partial = args.port_out.with_suffix(".partial")
        partial.write_text(str(server.port))
        partial.rename(args.port_out)  # appears whole: the test polls for it
        time.sleep(args.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
