from pathlib import Path

from wiresleuth.gui.capture_rights import CAP_NET_RAW, check_capture_rights, linux_rights

PYTHON = Path("/usr/bin/python3.11")


def status(cap_eff: int) -> str:
    return f"Name:\tpython3\nCapInh:\t0000000000000000\nCapEff:\t{cap_eff:016x}\n"


def test_root_or_cap_net_raw_may_capture() -> None:
    assert linux_rights(status(0), 0, PYTHON, None).available
    assert linux_rights(status(1 << CAP_NET_RAW), 1000, PYTHON, None).available


def test_an_ordinary_user_gets_the_exact_command_and_the_elevator() -> None:
    rights = linux_rights(status(1 << 12), 1000, PYTHON, "/usr/bin/pkexec")  # NET_ADMIN only
    assert not rights.available
    assert "CAP_NET_RAW" in rights.reason
    assert rights.command == ("pkexec", "setcap", "cap_net_raw=ep", str(PYTHON))
    assert rights.command_text == f"pkexec setcap cap_net_raw=ep {PYTHON}"
    assert rights.elevator == "/usr/bin/pkexec"
    assert linux_rights("garbage", 1000, PYTHON, None).elevator is None


def test_an_administrators_opt_out_is_respected() -> None:
    rights = linux_rights(status(0), 1000, PYTHON, "/usr/bin/pkexec", opted_out=True)
    assert not rights.available and "root only" in rights.reason
    assert rights.command == () and rights.elevator is None


def test_this_process_is_judged_by_its_real_rights() -> None:
    import os

    assert check_capture_rights().available == (os.geteuid() == 0 or _has_net_raw())


def _has_net_raw() -> bool:
    text = Path("/proc/self/status").read_text()
    line = next(line for line in text.splitlines() if line.startswith("CapEff:"))
    return bool(int(line.split()[1], 16) >> CAP_NET_RAW & 1)
