from __future__ import annotations

import socket

from wiresleuth.model.target import Target
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.set_up_names import set_up_names


def test_the_profiles_names_once_without_addresses() -> None:
    profile = Profile(
        targets=(Target.parse("https://site.test/"),),
        pac_url="http://pac.corp.test:8080/proxy.pac",
        proxy="http://proxy.corp.test:3128",
        must_refuse=(Target.parse("pac.corp.test:80"), Target.parse("198.18.0.9:80")),
        path_proof=(Target.parse("listener.corp.test:9400"),),
    )
    assert set_up_names(profile) == [
        ("pac.corp.test", socket.AF_INET),  # as the PAC check asks it: IPv4
        ("proxy.corp.test", socket.AF_UNSPEC),
        ("listener.corp.test", socket.AF_UNSPEC),
        ("pac.corp.test", socket.AF_UNSPEC),  # as the proxy-path check asks it
    ]


def test_a_file_pac_and_an_address_proxy_name_nothing() -> None:
    profile = Profile(pac_url="file:///etc/proxy.pac", proxy="100.64.0.3:3128")
    assert set_up_names(profile) == []
