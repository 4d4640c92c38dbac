from tests.analysis.pac_obs import exchange
from tests.probes.pac_servers import http_reply
from wiresleuth.analysis.listener_findings import analyse_listeners
from wiresleuth.model.finding import Severity
from wiresleuth.model.pac_observations import (
    ListenerAnswerObservation,
    ListenerObservation,
    ListenersObservations,
)


def _listener(port: int, answer: bytes | None) -> ListenerObservation:
    answers = ()
    if answer is not None:
        answers = tuple(
            ListenerAnswerObservation(
                path=p, exchange=exchange("answered", address="127.0.0.1", data=answer)
            )
            for p in ("/wpad.dat", "/")
        )
    return ListenerObservation(
        address="0.0.0.0", port=port, pid=42, process="httpd", answers=answers
    )


def test_port_80_answering_http_is_a_warning_with_its_answers() -> None:
    obs = ListenersObservations(
        ports=(80, 8080, 443),
        listeners=(_listener(80, http_reply("404 Not Found", server="Microsoft-HTTPAPI/2.0")),),
    )
    [finding] = analyse_listeners(obs)
    assert (finding.id, finding.severity) == ("local.port80_listener", Severity.WARNING)
    assert finding.values["wpad_status"] == "HTTP/1.1 404 Not Found"
    assert (
        finding.values["server"] == "Microsoft-HTTPAPI/2.0" and finding.values["process"] == "httpd"
    )


def test_other_ports_and_silent_listeners_are_info() -> None:
    obs = ListenersObservations(
        ports=(80, 8080, 443),
        listeners=(_listener(8080, http_reply("200 OK")), _listener(443, None)),
    )
    assert [f.severity for f in analyse_listeners(obs)] == [Severity.INFO, Severity.INFO]
    assert analyse_listeners(ListenersObservations(ports=(80,))) == []
