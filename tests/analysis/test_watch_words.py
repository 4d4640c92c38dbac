"""A watch attempt in words: "N of M addresses" for a name with several (pure)."""

from wiresleuth.analysis.watch_words import attempt_words
from wiresleuth.model.watch import AddressResult, WatchAttempt

T = "portal.lab.test:443"


def ok(address: str, target: str = T) -> AddressResult:
    return AddressResult(target=target, address=address, ok=True, outcome="ok")


def bad(address: str, outcome: str, signature: str, target: str = T) -> AddressResult:
    return AddressResult(
        target=target, address=address, ok=False, outcome=outcome, signature=signature
    )


def attempt(*results: AddressResult) -> WatchAttempt:
    return WatchAttempt(number=4, started_at=10.0, finished_at=10.5, results=results)


def test_some_addresses_of_a_name_failed_named_with_how_many_of_how_many() -> None:
    words = attempt_words(
        attempt(
            ok("100.64.1.41"),
            bad("100.64.1.42", "reset", "tls.reset_after_client_hello"),
            bad("100.64.1.43", "timeout", "tls.no_server_hello"),
            ok("100.64.1.44"),
        )
    )
    assert words == (
        "attempt 4: FAILED: portal.lab.test:443: 2 of 4 addresses failed: 100.64.1.42 (the "
        "connection was reset; tls.reset_after_client_hello) and 100.64.1.43 (the secure "
        "greeting (TLS) got no answer in time; tls.no_server_hello); 100.64.1.41 and "
        "100.64.1.44 worked"
    )


def test_every_address_failed_says_all_of_them() -> None:
    words = attempt_words(
        attempt(
            bad("100.64.1.41", "reset", "tls.reset_after_client_hello"),
            bad("100.64.1.42", "reset", "tls.reset_after_client_hello"),
        )
    )
    assert words.startswith("attempt 4: FAILED: portal.lab.test:443: 2 of 2 addresses failed: ")
    assert "worked" not in words


def test_one_address_the_pac_file_and_a_name_that_did_not_resolve_keep_their_words() -> None:
    words = attempt_words(
        attempt(
            bad("100.64.1.20", "timeout", "tls.no_server_hello", target="chat.lab.test:443"),
            bad("", "no address", "outcome:no address", target="gone.lab.test:443"),
            bad("100.64.1.70", "no pac", "pac.http_error", target=""),
            ok("100.64.1.41"),
        )
    )
    assert words == (
        "attempt 4: FAILED: chat.lab.test:443 at 100.64.1.20: the secure greeting (TLS) got "
        "no answer in time (tls.no_server_hello); gone.lab.test:443: the name did not resolve "
        "(outcome:no address); the PAC file at 100.64.1.70: the PAC server answered with an "
        "error (pac.http_error)"
    )


def test_an_attempt_that_worked_says_how_many_addresses() -> None:
    assert attempt_words(attempt(ok("100.64.1.41"), ok("100.64.1.42"))) == (
        "attempt 4: worked (2 address(es) checked, 0.5 s)"
    )
