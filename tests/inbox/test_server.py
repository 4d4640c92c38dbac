import socket
from pathlib import Path

import pytest

from wiresleuth.errors import BadInput
from wiresleuth.inbox.server import open_socket, parse_listen, sweep_incoming
from wiresleuth.inbox.settings import InboxSettings


def test_the_listen_address_is_read_whole() -> None:
    assert parse_listen("0.0.0.0:8443") == ("0.0.0.0", 8443)
    assert parse_listen("[::1]:0") == ("::1", 0)
    for wrong in ("8443", "host:", ":80", "a:99999", "a:b"):
        with pytest.raises(BadInput, match="expected ADDRESS:PORT"):
            parse_listen(wrong)


def test_a_port_in_use_is_said_before_anything_starts() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(BadInput, match=f"cannot listen on 127.0.0.1:{port}"):
            open_socket("127.0.0.1", port)


def test_half_received_uploads_are_removed_at_start(tmp_path: Path) -> None:
    settings = InboxSettings(data_dir=tmp_path, db_url="sqlite://").prepared()
    (settings.incoming_dir / "abc.part").write_bytes(b"PK")
    (settings.incoming_dir / "abc.part.capture").write_bytes(b"x")
    assert sweep_incoming(settings) == 2 and not list(settings.incoming_dir.iterdir())


def test_the_listening_socket_says_tcp_so_answers_are_not_held_back() -> None:
    # asyncio turns Nagle off (TCP_NODELAY) only on sockets whose protocol is IPPROTO_TCP;
    # with 0 every page waited 40 ms for the client's delayed ACK (bench_inbox.py showed it).
    import asyncio

    sock = open_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP

        async def accepted_has_nodelay() -> int:
            flags: list[int] = []

            def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                raw = writer.get_extra_info("socket")
                flags.append(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                writer.close()

            server = await asyncio.start_server(connected, sock=sock)
            async with server:
                _reader, writer = await asyncio.open_connection(*sock.getsockname())
                for _ in range(100):
                    if flags:
                        break
                    await asyncio.sleep(0.01)
                writer.close()
            return flags[0]

        assert asyncio.run(accepted_has_nodelay()) != 0
    finally:
        sock.close()
