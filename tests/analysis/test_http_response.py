from wiresleuth.analysis.http_response import parse_head


def test_head_headers_and_length() -> None:
    head = parse_head(
        b"HTTP/1.1 404 Not Found\r\nServer: Microsoft-HTTPAPI/2.0\r\nContent-Length: 3\r\n\r\nabc"
    )
    assert head is not None
    assert (head.status, head.reason, head.header("SERVER")) == (
        404,
        "Not Found",
        "Microsoft-HTTPAPI/2.0",
    )
    assert head.complete and head.text_body() == "abc"


def test_incomplete_and_not_http() -> None:
    assert parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 3") is None
    assert parse_head(b"\x16\x03\x01\x02\x00") is None
    head = parse_head(b"HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nabc")
    assert head is not None and not head.complete


def test_chunked_body_is_dechunked() -> None:
    head = parse_head(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    assert head is not None and head.chunked and head.complete and head.text_body() == "abcde"
