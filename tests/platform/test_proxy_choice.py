from tests.platform.proxy_samples_util import proxy_sample
from wiresleuth.model.proxy_config import ProxySource
from wiresleuth.platform.proxy_choice import choose
from wiresleuth.platform.proxy_linux_parsers import environment_source, gnome_source
from wiresleuth.platform.proxy_macos_parsers import parse_scutil_proxy
from wiresleuth.platform.proxy_settings import read_proxy_configuration
from wiresleuth.platform.proxy_windows_parsers import parse_netsh_winhttp


def test_gnome_none_beats_the_environment() -> None:
    gnome = gnome_source(proxy_sample("linux_vm_gsettings_none.txt"))
    env = environment_source({"http_proxy": "http://h:3128"})
    assert env is not None
    config = choose("Linux", [gnome, env], desktop="gnome")
    assert (config.winner, config.mode) == ("gnome", "direct")


def test_without_a_readable_desktop_source_the_environment_wins() -> None:
    broken = ProxySource(name="gnome", origin="gsettings", available=False, error="missing")
    env = environment_source({"http_proxy": "http://h:3128"})
    assert env is not None
    config = choose("Linux", [broken, env], desktop="gnome")
    assert (config.winner, config.mode) == ("environment", "manual")
    assert choose("Linux", [broken], desktop="gnome").mode == "direct"


def test_windows_follows_wininet_not_winhttp() -> None:
    winhttp = parse_netsh_winhttp(proxy_sample("windows_gogetproxied_netsh_winhttp_proxy.txt"))
    wininet = ProxySource(name="wininet", origin="reg", pac_url="http://pac/p.pac")
    config = choose("Windows", [wininet, winhttp])
    assert (config.winner, config.mode) == ("wininet", "pac")
    assert config.source("winhttp") is winhttp


def test_macos() -> None:
    mac = parse_scutil_proxy(proxy_sample("macos_httptoolkit151_scutil_proxy.txt"))
    config = choose("Darwin", [mac])
    assert config.winning is mac and config.mode == "pac"


def test_reading_this_machine_never_raises_and_names_every_source(tmp_path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CURRENT_DESKTOP": "KDE", "auto_proxy": ""}
    config = read_proxy_configuration(env, system="Linux")
    kde = config.source("kde")
    assert kde is not None and not kde.available and "kioslaverc" in (kde.error or "")
    assert (config.winner, config.mode) == ("environment", "auto_detect")
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "kioslaverc").write_text(proxy_sample("linux_vm_kioslaverc_pac"))
    config = read_proxy_configuration(env, system="Linux")
    assert (config.winner, config.mode) == ("kde", "pac")
