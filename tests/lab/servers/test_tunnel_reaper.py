"""The tunnel reaper reads Squid's upstream connections from ``ss`` output (pure)."""

from wiresleuth.lab.servers.tunnel_reaper import parse_established

SS = """\
0      0      198.18.2.10:51222 100.64.1.60:443
0      0      198.18.2.10:3128  198.18.1.10:51160
0      0      [::ffff:198.18.2.10]:40000 [::ffff:100.64.1.70]:9400
garbage
"""


def test_only_upstream_connections_are_candidates() -> None:
    assert parse_established(SS, 3128) == [
        ("198.18.2.10", "51222", "100.64.1.60", "443"),
        ("::ffff:198.18.2.10", "40000", "::ffff:100.64.1.70", "9400"),
    ]
