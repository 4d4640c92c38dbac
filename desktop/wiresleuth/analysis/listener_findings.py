"""Conclusions of the local-listener wizard: what listens on this computer's web ports.

A program answering HTTP on port 80 is harmless until a PAC or WPAD name points at this
computer (a loopback DNS answer, a stale cache): then it, not a refusal, answers the browser
(C4). The finding names the program and its answers so that case is recognised at once.
"""

from __future__ import annotations

from wiresleuth.analysis.http_response import parse_head
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.pac_observations import ListenerObservation, ListenersObservations

WIZARD = "listeners"


def _owner(listener: ListenerObservation) -> str:
    if listener.process:
        return f"{listener.process} (pid {listener.pid})"
    return f"an unnamed program ({listener.owner_error or 'owner unknown'})"


def _finding(listener: ListenerObservation) -> Finding:
    evidence = [
        Evidence(
            text=f"listening on {listener.address}:{listener.port}, owner {_owner(listener)}"
            + (f", {listener.exe}" if listener.exe else ""),
            addresses=(listener.address,),
            data={"pid": listener.pid, "cmdline": listener.cmdline},
        )
    ]
    statuses: dict[str, str | None] = {}
    server: str | None = None
    for answer in listener.answers:
        head = parse_head(answer.exchange.data)
        if head is not None:
            statuses[answer.path] = head.status_line
            server = server or head.header("server")
            text = (
                f"GET {answer.path}: {head.status_line!r}, "
                f"Server: {head.header('server') or '(none)'}"
            )
        else:
            statuses[answer.path] = None
            text = f"GET {answer.path}: {answer.exchange.outcome}"
        evidence.append(Evidence(text=text, addresses=(answer.exchange.address,)))
    answers_http = any(v is not None for v in statuses.values())
    severity = Severity.WARNING if listener.port == 80 and answers_http else Severity.INFO
    wpad = statuses.get("/wpad.dat")
    consequence = (
        " If a proxy configuration (PAC or WPAD) name ever points at this computer, browsers "
        f"get this program's answer ({wpad}) instead of a quick refusal, and wait."
        if listener.port == 80 and answers_http
        else ""
    )
    return Finding(
        id="local.port80_listener",
        severity=severity,
        wizard=WIZARD,
        target=f"{listener.address}:{listener.port}",
        title=f"A program on this computer listens on web port {listener.port}",
        user_text=f"{_owner(listener)} accepts connections on port {listener.port} of this "
        "computer." + consequence,
        engineer_text=f"TCP LISTEN {listener.address}:{listener.port}, owner {_owner(listener)}; "
        f"answers: {statuses or 'not asked (port 443)'}."
        + consequence
        + " C4: MsDepSvc (Microsoft-HTTPAPI/2.0) answering 404 for the PAC made every page wait.",
        evidence=tuple(evidence),
        values={
            "address": listener.address,
            "port": listener.port,
            "pid": listener.pid,
            "process": listener.process,
            "wpad_status": wpad,
            "root_status": statuses.get("/"),
            "server": server,
        },
    )


def analyse_listeners(obs: ListenersObservations) -> list[Finding]:
    """One finding per listener on a web port."""
    return [_finding(listener) for listener in obs.listeners]
