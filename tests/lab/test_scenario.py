"""Scenario files: the shipped ones load, and every mistake names the file and the key."""

from pathlib import Path

import pytest

from wiresleuth.errors import LabError
from wiresleuth.lab.faults import PRIMITIVES
from wiresleuth.lab.faults.drop_dscp_length import DropDscpLength
from wiresleuth.lab.faults.gateway_mac import GatewayMac
from wiresleuth.lab.faults.redirect import Redirect
from wiresleuth.lab.scenario import list_scenarios, load_scenario, parse_scenario, shipped_names

PRIMITIVES_FILE = Path(__file__).with_name("primitives.toml")

MINIMAL = """
description = "minimal"
[[server]]
name = "www.lab.test"
address = "100.64.1.10"
[client]
targets = ["https://www.lab.test/"]
"""


def parse(text: str) -> object:
    return parse_scenario(text, name="t", source="t.toml")


def test_the_shipped_scenarios_are_listed_baseline_first() -> None:
    assert shipped_names()[0] == "baseline"
    assert {"baseline", "C1", "C6", "C8"} <= set(shipped_names())
    for name, description in list_scenarios():
        assert description and "\n" not in description, name


@pytest.mark.parametrize("name", ["baseline", "C1", "C6", "C8"])
def test_every_shipped_scenario_says_what_to_expect_with_and_without_capture(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.expect_no_capture is not None
    assert "capture.unavailable" in scenario.expect_no_capture.includes
    assert scenario.servers and scenario.client.targets


def test_c1_drops_large_ef_packets_from_a_marked_server() -> None:
    c1 = load_scenario("c1")  # names are case-insensitive
    [server] = c1.servers
    assert (server.dscp, server.large_chain) == (46, True)
    assert c1.faults == (DropDscpLength(dscp=46, longer_than=700, link="client"),)
    # policy (not MTU) is the cause, large-packet loss the symptom, the EF mark the lead
    assert c1.expect.top == ("path.qos_policing", "path.large_packet_loss", "path.dscp_marked")
    assert c1.expect_no_capture is not None
    assert c1.expect_no_capture.top == ("path.qos_policing", "path.large_packet_loss")


def test_c6_relay_writes_the_acns_reply_after_three_seconds() -> None:
    [fault] = load_scenario("C6").faults
    assert isinstance(fault, Redirect)
    assert fault.wait == 3.0 and fault.close == "fin"
    assert fault.reply.startswith("HTTP/1.0 200 OK\r\n")
    assert (
        "X-Bypass-Cache: Application and Content Networking System Software 5.5.17\r\n"
        in fault.reply
    )
    assert 'http-equiv="refresh"' in fault.reply


def test_c8_gateway_is_an_f5_and_the_reset_is_timed() -> None:
    c8 = load_scenario("C8")
    assert c8.servers[0].reset_after == 3.0
    [fault] = c8.faults
    assert isinstance(fault, GatewayMac) and fault.mac.startswith("00:01:d7")
    checks = {(v.id, v.key): v for v in c8.expect.values}
    assert checks["tls.reset_after_client_hello", "seconds"].approx == pytest.approx(3.1)
    assert checks["net.gateway_vendor", "vendor"].contains == "F5"


def test_a_file_given_by_path_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL)
    scenario = load_scenario(path)
    assert (scenario.name, scenario.source) == ("mine", str(path))
    assert scenario.client.budgets.run == 60


def test_the_primitives_test_file_uses_every_primitive() -> None:
    scenario = load_scenario(PRIMITIVES_FILE)
    assert {type(f).kind for f in scenario.faults} == set(PRIMITIVES)


def test_an_unknown_scenario_lists_the_known_ones() -> None:
    with pytest.raises(LabError, match=r"no scenario 'C99'.*baseline, C1"):
        load_scenario("C99")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '[[fault]]\nkind = "netem"\n',
            r"t.toml: \[\[fault\]\] #1: key 'kind': unknown primitive 'netem'; known: drop_dscp_length",
        ),
        ("[[fault]]\ndscp = 46\n", r"t.toml: \[\[fault\]\] #1: key 'kind' missing"),
        (
            '[[fault]]\nkind = "drop_dscp_length"\ndscp = 99\nlonger_than = 700\n',
            r"\[\[fault\]\] #1 \(kind = 'drop_dscp_length'\): key 'dscp': must be from 0 to 63",
        ),
        (
            '[[fault]]\nkind = "mtu"\nmtu = 1400\nlink = "wan"\n',
            r"key 'link': must be one of client, proxy, internet",
        ),
        ('[[fault]]\nkind = "mtu"\nmtu = "1400"\n', r"key 'mtu': must be an integer"),
        (
            '[[fault]]\nkind = "delay"\none_way_ms = 50\njitter = 5\n',
            r"key 'jitter': unknown key; known keys: one_way_ms",
        ),
        (
            '[[fault]]\nkind = "gateway_mac"\nmac = "01:00:5e:00:00:01"\n',
            r"key 'mac': 01:00:5e:00:00:01 is a multicast",
        ),
        (
            '[[fault]]\nkind = "redirect"\naddress = "10.0.0.1"\n',
            r"key 'address': 10.0.0.1: lab addresses must be inside",
        ),
        (
            '[[fault]]\nkind = "dns_override"\nname = "pac.lab.test"\naddress = "8.8.8.8"\n',
            r"key 'address'",
        ),
        (
            '[[fault]]\nkind = "hold_payload"\nports = []\nseconds = 5\n',
            r"key 'ports': give 1 to 15 ports",
        ),
        (
            '[[fault]]\nkind = "listener"\nnamespace = "laptop"\naddress = "127.0.0.1"\nport = 80\n',
            r"key 'namespace'",
        ),
        ("[expect]\ntop = 'path.x'\n", r"t.toml: \[expect\]: key 'top': must be a list"),
        (
            '[expect]\nvalues = [{id = "a", key = "b"}]\n',
            r"\[expect\]: key 'values\[0\]\.equals': give exactly one",
        ),
        (
            "[expect_no_capture]\nmax_severity = 'fatal'\n",
            r"\[expect_no_capture\]: key 'max_severity'",
        ),
        ("[client.budgets]\nrun = 0.5\n", r"\[client\]: key 'budgets.run': must be from 1 to 600"),
        (
            '[[fault]]\nkind = "mss_clamp"\nmss = 1200\nhop = 2\n',
            r"\[\[fault\]\] #1: key 'hop': hop 2 needs routers = 2 \(the scenario has 1\)",
        ),
        (
            '[[fault]]\nkind = "redirect"\naddress = "100.64.1.30"\nhop = 3\n',
            r"key 'hop': must be 1 \(router\) or 2",
        ),
    ],
)
def test_mistakes_name_the_file_and_the_key(extra: str, message: str) -> None:
    with pytest.raises(LabError, match=message):
        parse(MINIMAL + extra)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("description = \n", r"t.toml: not valid TOML"),
        ('[client]\ntargets = ["https://www.lab.test/"]\n', r"key 'description' missing"),
        ('description = "x"\n', r"\[client\] missing"),
        (
            'description = "x"\n[client]\ntargets = ["https://www.example.com/"]\n',
            r"\[client\]: key 'targets': www.example.com: use a name under .lab.test or a lab address",
        ),
        ("colour = 1\n" + MINIMAL, r"t.toml: unknown key 'colour'"),
        ("routers = 3\n" + MINIMAL, r"t.toml: key 'routers': must be 1 or 2; got 3"),
        (
            'description = "x"\n[client]\ntargets = ["https://192.0.2.1/"]\n',
            r"lab addresses must be inside",
        ),
        ('description = "x"\n[client]\ntargets = []\n', r"key 'targets': give at least one"),
        (
            'description = "x"\n[[server]]\nname = "www.example.com"\naddress = "100.64.1.9"\n',
            r"\[\[server\]\] #1: key 'name': must end with .lab.test",
        ),
        (
            'description = "x"\n[[server]]\nname = "a.lab.test"\naddress = "100.64.0.9"\n',
            r"key 'address': must be inside 100.64.1.0/24",
        ),
        (
            'description = "x"\n[[server]]\nname = "a.lab.test"\naddress = "100.64.1.9"\nca = "corp"\n',
            r"key 'ca': must be one of public, inspection",
        ),
        (
            'description = "x"\n[[server]]\nname = "a.lab.test"\naddress = "100.64.1.9"\n'
            '[[server]]\nname = "b.lab.test"\naddress = "100.64.1.9"\n',
            r"\[\[server\]\] #2: 100.64.1.9 already used by \[\[server\]\] #1",
        ),
        (
            'description = "x"\n[[server]]\nname = "a.lab.test"\naddress = "100.64.1.9"\n'
            '[[server]]\nname = "a.lab.test"\naddress = "100.64.1.8"\nhttp_port = 0\n',
            r"\[\[server\]\] #2: a.lab.test is also \[\[server\]\] #1, with other ports",
        ),
        ('description = "x"\nserver = 1\n', r"server must be written as \[\[server\]\] tables"),
    ],
)
def test_whole_file_mistakes(text: str, message: str) -> None:
    with pytest.raises(LabError, match=message):
        parse(text)
