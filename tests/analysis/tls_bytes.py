"""Real TLS bytes for the parser tests: Python's ssl in memory (no sockets), trustme certs."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import trustme

SNI = "www.example.test"


@dataclass
class Exchange:
    """The bytes each side wrote, flight by flight, in the order they were written."""

    flights: list[tuple[str, bytes]]
    chain_der: list[bytes]  # the server's certificate chain (leaf first)

    def stream(self, side: str) -> bytes:
        return b"".join(data for who, data in self.flights if who == side)


def _contexts(
    version: ssl.TLSVersion, server_version: ssl.TLSVersion | None = None
) -> tuple[ssl.SSLContext, ssl.SSLContext, list[bytes]]:
    ca = trustme.CA()
    intermediate = ca.create_child_ca()
    leaf = intermediate.issue_cert(SNI)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(server)
    server.maximum_version = server_version or version
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(client)
    client.minimum_version = version
    client.maximum_version = version
    client.set_alpn_protocols(["h2", "http/1.1"])
    chain = [ssl.PEM_cert_to_DER_cert(blob.bytes().decode()) for blob in leaf.cert_chain_pems]
    return client, server, chain


def exchange(
    version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2,
    *,
    request: bytes = b"GET / HTTP/1.1\r\nHost: www.example.test\r\n\r\n",
    response: bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    server_version: ssl.TLSVersion | None = None,
) -> Exchange:
    """Run a handshake (and one request/response when it succeeds) between two SSLObjects."""
    client_ctx, server_ctx, chain = _contexts(version, server_version)
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname=SNI)
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    flights: list[tuple[str, bytes]] = []
    done = {"client": False, "server": False}
    failed = False
    for _ in range(10):
        for side, obj, out, peer_in in (
            ("client", client, c_out, s_in),
            ("server", server, s_out, c_in),
        ):
            if not done[side] and not failed:
                try:
                    obj.do_handshake()
                    done[side] = True
                except ssl.SSLWantReadError:
                    pass
                except ssl.SSLError:
                    failed = True
            data = out.read()
            if data:
                flights.append((side, data))
                peer_in.write(data)
        if failed or all(done.values()):
            break
    if not failed:
        client.write(request)
        data = c_out.read()
        flights.append(("client", data))
        s_in.write(data)
        assert server.read(len(request) + 100) == request
        data = s_out.read()  # TLS 1.3 session tickets may be pending here
        server.write(response)
        flights.append(("server", data + s_out.read()))
    return Exchange(flights=flights, chain_der=chain)
