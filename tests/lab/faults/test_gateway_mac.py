"""gateway_mac: the client sees its gateway with the chosen (vendor) MAC."""

import json

import pytest

from tests.lab.helpers import ping_avg_ms
from wiresleuth.lab import addresses
from wiresleuth.lab.commands import run
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def test_client_neighbour_table_shows_the_chosen_mac(primitives_lab: Lab) -> None:
    client = primitives_lab.names.ns("client")
    ping_avg_ms(client, addresses.CLIENT_GATEWAY, count=1)
    shown = run(["ip", "-j", "-n", client, "neigh", "show", addresses.CLIENT_GATEWAY]).stdout
    [entry] = json.loads(shown)
    assert entry["lladdr"] == "00:23:e9:00:00:01"
