from tests.gui.conftest import SAMPLE_BUNDLE
from wiresleuth.gui.document import document_from_result, load_document
from wiresleuth.gui.path_figures import Figure, path_figures
from wiresleuth.model.run import RunResult


def test_a_real_runs_figures_come_from_its_observations(engine_run: RunResult) -> None:
    figures = {f.key: f for f in path_figures(document_from_result(engine_run))}
    targets = sorted({group for group, _ in figures if group.startswith("localhost:")})
    assert len(targets) == 2
    outcomes = sorted(str(figures[(t, "default: outcome")].value) for t in targets)
    assert outcomes == ["ok", "reset"]
    reset_target = next(t for t in targets if figures[(t, "default: outcome")].value == "reset")
    seconds = figures[(reset_target, "default: reset after ClientHello")]
    assert seconds.unit == "s" and 0.35 < float(seconds.value) < 0.9
    assert all(figures[(t, "address")].value == "127.0.0.1" for t in targets)
    packets = figures[("run", "packets captured")]
    assert packets.value == (
        float(len(engine_run.packets)) if engine_run.capture.available else "no capture"
    )


def test_a_capture_gives_handshake_rtt_dscp_and_ttl_per_server() -> None:
    figures = {f.key: f for f in path_figures(load_document(SAMPLE_BUNDLE))}
    voice = "198.19.3.30:443"
    assert figures[(voice, "DSCP from server")].value == "EF (46)"  # the C1-like server
    assert figures[("198.19.1.10:443", "DSCP from server")].value == "CS0 (0)"
    rtt = figures[(voice, "handshake RTT (capture)")]
    assert rtt.unit == "ms" and rtt.text.endswith(" ms")
    legacy = figures[("198.19.2.20:443", "handshake RTT (capture)")]
    assert float(legacy.value) < 5  # C6: the nearby device answers at once


def test_texts() -> None:
    assert Figure(group="g", name="n", value=0.1234, unit="ms").text == "0.1 ms"
    assert Figure(group="g", name="n", value=3.1, unit="s").text == "3.10 s"
    assert Figure(group="g", name="n", value=26.0).text == "26"


def test_every_address_of_a_name_has_its_figures() -> None:
    """lb-one-bad (issue 16): the name's other addresses are groups of their own."""
    from pathlib import Path

    bundle = Path(__file__).parent / "samples" / "lab-lb-one-bad.wsbundle"
    figures = {f.key: f for f in path_figures(load_document(bundle))}
    assert figures[("portal.lab.test:443", "default: outcome")].value == "reset"
    for address in ("100.64.1.41", "100.64.1.43"):
        group = f"portal.lab.test:443 ({address})"
        assert figures[(group, "address")].value == address
        assert figures[(group, "default: outcome")].value == "ok"
