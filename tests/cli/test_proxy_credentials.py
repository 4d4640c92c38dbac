"""``--proxy-user``: asked once, handed to the proxy-path wizard only, never echoed back."""

import argparse

import pytest

from wiresleuth.cli.proxy_credentials import add_options, ask, give
from wiresleuth.errors import BadInput
from wiresleuth.wizards.proxy_path import ProxyPathWizard
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_options(parser)
    return parser.parse_args(argv)


def test_no_user_no_prompt() -> None:
    def never(prompt: str) -> str:
        raise AssertionError("asked without --proxy-user")

    assert ask(parse(), never) is None


def test_the_prompt_names_the_user_and_the_wizard_gets_the_credentials() -> None:
    prompts: list[str] = []

    def typed(prompt: str) -> str:
        prompts.append(prompt)
        return "typed-now"

    credentials = ask(parse("--proxy-user", "CORP\\alice"), typed)
    assert prompts == ["Proxy password for CORP\\alice: "]
    assert credentials is not None and credentials.password == "typed-now"
    wizards = give([TlsHandshakeWizard(), ProxyPathWizard()], credentials)
    tls, proxy = wizards
    assert isinstance(proxy, ProxyPathWizard) and proxy.credentials is credentials
    # the TLS handshake goes through the route's proxy tunnel: it logs in with them too
    assert isinstance(tls, TlsHandshakeWizard) and tls.credentials is credentials


def test_end_of_input_is_bad_input() -> None:
    def closed(prompt: str) -> str:
        raise EOFError

    with pytest.raises(BadInput, match="no password was typed"):
        ask(parse("--proxy-user", "alice"), closed)
