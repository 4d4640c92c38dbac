import shutil

from wiresleuth.platform import linux
from wiresleuth.platform.commands import read_text
from wiresleuth.platform.linux_parsers import parse_resolv_conf


def test_routes_and_neighbours_of_this_machine() -> None:
    routes = linux.routes()
    assert any(r.is_default for r in routes)
    gateway = next(r.gateway for r in routes if r.is_default)
    assert gateway in {n.address for n in linux.neighbours()}


def test_dns_of_this_machine() -> None:
    conf, problems = linux.dns()
    expected = parse_resolv_conf(read_text("/etc/resolv.conf"))
    if shutil.which("resolvectl") is None:
        assert (conf, problems) == (expected, [])
    else:
        assert set(expected.servers) - {linux.RESOLVED_STUB} <= set(conf.servers)


def test_mtu_from_sysfs() -> None:
    assert linux.interface_mtu("lo") == int(read_text("/sys/class/net/lo/mtu"))
