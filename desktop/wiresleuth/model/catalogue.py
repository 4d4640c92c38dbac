"""The findings catalogue: every finding ID the product can emit (a public API of the bundle).

Each entry says what the finding means, what evidence backs it and what the helpdesk should
do. ``docs/findings.md`` is generated from this table and the interpretations' registry
(``python -m wiresleuth.diagnosis.findings_doc``) and a test keeps the two identical.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

from wiresleuth.model.finding import Finding, Severity


@dataclass(frozen=True, kw_only=True)
class FindingSpec:
    """The fixed description of one finding ID."""

    id: str
    """The stable identifier."""
    severity: Severity
    """Default severity (a wizard may lower or raise it with a reason)."""
    title: str
    """Headline used in the catalogue."""
    meaning: str
    """What the finding means."""
    evidence: str
    """What evidence is attached."""
    action: str
    """What the helpdesk should do."""
    explains: tuple[str, ...] = ()
    """IDs of the findings this one explains (its symptoms and supporting facts) when both
    are about the same target; a run-wide cause explains them on every target, and a
    run-wide symptom is explained by a cause on any target. The results list them inside
    the cause (``analysis.causes``), and the headline counts the cause once."""
    about_the_run: bool = False
    """True for findings about the run itself (what could not be measured), not about the
    network: never counted as a cause of trouble; the check statuses say it instead."""
    user_step: str = ""
    """The user's one next step when it is not "send the results to your helpdesk"."""


_SPECS: tuple[FindingSpec, ...] = (
    FindingSpec(
        id="mtu.blackhole",
        explains=(
            "path.large_packet_loss",
            "tls.no_server_hello",
            "mtu.path_mtu",
            "tcp.unacknowledged",
        ),
        severity=Severity.PROBLEM,
        title="Packets above a size vanish and nobody says so (PMTU black hole)",
        meaning=(
            "ICMP echoes with Don't Fragment set are answered up to a size below the interface "
            "MTU and lost above it, and no router sends 'fragmentation needed': TCP cannot "
            "learn the smaller MTU, so large segments are lost whatever they carry."
        ),
        evidence=(
            "The DF sweep (every size tried and its result: the data of a size/result plot), "
            "the absence of frag-needed, and the TCP exchanges that stall at full size but "
            "work with MSS 536."
        ),
        action=(
            "Ask the network team to let ICMP type 3 code 4 reach clients, or to clamp the TCP "
            "MSS on the link with the smaller MTU (path MTU minus 40)."
        ),
    ),
    FindingSpec(
        id="path.qos_policing",
        explains=(
            "path.large_packet_loss",
            "path.dscp_marked",
            "tls.no_server_hello",
            "mtu.path_mtu",
            "tcp.unacknowledged",
        ),
        severity=Severity.PROBLEM,
        title="A network policy drops one server's large packets (QoS/DSCP), not the MTU",
        meaning=(
            "ICMP of every size crosses the path, yet full-size TCP segments from this server "
            "are lost while small ones pass: a policer or filter acts on this server's traffic, "
            "typically WAN QoS dropping large packets of a priority class (DSCP EF or AF)."
        ),
        evidence=(
            "The DF sweep reaching the interface MTU, the server's announced MSS and the "
            "largest segment that arrived, lost segments, the small-MSS exchange that works, "
            "and the server's DSCP marks (with capture)."
        ),
        action=(
            "Give the network team the server address and its DSCP; ask them to check the WAN "
            "QoS policy for that class and to re-mark the server's traffic at the edge."
        ),
    ),
    FindingSpec(
        id="path.large_packet_loss",
        explains=(
            "tls.no_server_hello",
            "tcp.unacknowledged",
        ),
        severity=Severity.PROBLEM,
        title="Large packets from a server are lost on the way",
        meaning=(
            "Segments above a certain size from the server never arrive while small ones pass; "
            "the same exchange succeeds when the connection asks for small segments (MSS 536)."
        ),
        evidence=(
            "The gap in the server's byte stream (lost segments, later segments that did "
            "arrive, duplicate ACKs), the server's MSS, and the successful small-MSS retry."
        ),
        action=(
            "Give the network team the server address and the packet numbers; ask them to "
            "check QoS policers (DSCP), MTU and firewalls on the WAN path to that server."
        ),
    ),
    FindingSpec(
        id="path.tcp_intercepted",
        explains=("tls.plaintext_injected",),
        severity=Severity.PROBLEM,
        title="A device near you answers for the server",
        meaning=(
            "The TCP handshake completed faster than a packet can travel to the server and "
            "back: a middlebox (WCCP redirection, TCP optimiser, transparent proxy) terminates "
            "the connection on the server's behalf."
        ),
        evidence=(
            "Handshake RTT against the path RTT measured independently (ICMP echo or a "
            "second method)."
            " With the hop locator (TTL-limited probes): the hop that answers, its address "
            "and name, and how many hops away the server is."
        ),
        action=(
            "Ask the network team which device intercepts port 443 for this destination "
            "(WCCP, WAN optimiser, transparent proxy) and to exempt it."
        ),
    ),
    FindingSpec(
        id="tls.plaintext_injected",
        severity=Severity.PROBLEM,
        title="Plain text arrived inside an encrypted connection",
        meaning=(
            "Bytes that are not TLS (usually an HTTP response) arrived on the TLS connection: "
            "something in the path injected them; the server would not."
        ),
        evidence=(
            "The injected bytes as text, when they arrived, and the packet that carried them."
            " With the hop locator (TTL-limited probes): the hop that answers, its address "
            "and name, and how many hops away the server is."
        ),
        action=(
            "Send the injected text to the network team: headers such as X-Bypass-Cache or Via "
            "name the device (cache, optimiser, captive portal)."
        ),
    ),
    FindingSpec(
        id="proxy.unreachable",
        explains=("pathproof.not_delivered",),
        severity=Severity.PROBLEM,
        title="The proxy cannot be reached",
        meaning=(
            "A TCP connection to the proxy (from the PAC decision, the profile or the "
            "environment) failed: every site routed through it fails."
        ),
        evidence="The proxy, its address, the connect error and its SYN packets; the targets routed through it.",
        action="Check the proxy service and any firewall between the user and the proxy; check the proxy name.",
    ),
    FindingSpec(
        id="proxy.auth_required",
        severity=Severity.WARNING,
        title="The proxy requires authentication",
        meaning=(
            "The proxy answered 407 and named its schemes (Negotiate, NTLM, Basic). Browsers "
            "log in; many other programs cannot, and fail or drop (case C2)."
        ),
        evidence=(
            "The 407 answer and its Proxy-Authenticate schemes, the targets that needed it and "
            "those the proxy served without it; whether credentials typed in this run worked."
        ),
        action="Exempt the destinations of programs that cannot authenticate from proxy authentication.",
    ),
    FindingSpec(
        id="proxy.auth_rejected",
        severity=Severity.PROBLEM,
        title="The proxy rejected the credentials",
        meaning=(
            "Credentials the user typed in this run were answered with 407 again. They are "
            "never stored: only the scheme and the user name are in the report."
        ),
        evidence="The scheme, the user name and the proxy's answers.",
        action="Check the account (password, domain, lock-out) and whether it may use the proxy.",
    ),
    FindingSpec(
        id="proxy.connect_port_denied",
        severity=Severity.PROBLEM,
        title="The proxy refuses to connect to this port",
        meaning=(
            "CONNECT host:port was refused (403 or another error) while the proxy itself "
            "answers: typically only port 443 is allowed (case C5's port 2429)."
        ),
        evidence="The proxy's answer (status, error header), the ports it did allow, and whether direct works.",
        action="Allow CONNECT to that port for this destination on the proxy, or give the program another route.",
    ),
    FindingSpec(
        id="proxy.tunnel_closed",
        explains=("proxy.auth_required",),
        severity=Severity.PROBLEM,
        title="The proxy closes long connections",
        meaning=(
            "A tunnel through the proxy, kept busy with light traffic, was closed after N "
            "seconds (by FIN or RST) while the direct connection stayed open (case C2: "
            "meetings drop after ~45 s). Not concluded from a close that came while this "
            "computer had stopped the program (its traffic paused then)."
        ),
        evidence=(
            "Seconds until the close, FIN or RST, the address that sent it (and its TTL when "
            "captured), and the direct connection held for comparison."
        ),
        action=(
            "Look for a tunnel lifetime or an authentication re-check on the proxy; exempt "
            "these destinations from proxy authentication or raise the limit."
        ),
    ),
    FindingSpec(
        id="proxy.transparent_http",
        severity=Severity.WARNING,
        title="A transparent proxy answers plain web requests",
        meaning=(
            "A direct HTTP request with a Host header no server knows was answered with proxy "
            "headers (Via, X-Cache, X-Bypass-Cache...), or its handshake was faster than the "
            "path allows: a device in the path takes over port 80 (WCCP, a cache, an optimiser)."
        ),
        evidence="The answer and its proxy headers; handshake RTT against the path RTT.",
        action="Ask the network team which device intercepts port 80 on this path and whether it should.",
    ),
    FindingSpec(
        id="path.works_only_via_proxy",
        severity=Severity.WARNING,
        title="The site works only through the proxy",
        meaning=(
            "Direct TCP to the target fails while a proxy connects to it. Judged against the "
            "route the user's applications take: a problem when they go direct; info when "
            "they go through that proxy (direct access is closed by policy, and only programs "
            "that ignore the proxy setting, such as a vendor client demanding direct access "
            "(case C5), will fail); a warning when their proxy is another one that fails."
        ),
        evidence="The direct connect error and SYNs, the proxy's answer, and the route in force (and its source).",
        action=(
            "Send the site through the proxy (PAC or proxy setting) and configure the program "
            "to use the system proxy; exempt it from proxy authentication if it cannot log in."
        ),
    ),
    FindingSpec(
        id="path.direct_blocked",
        severity=Severity.PROBLEM,
        title="The server cannot be reached directly",
        meaning="A direct TCP connection to the target was refused, timed out or found no route.",
        evidence="The connect error and how long it took; the SYN and any answer in the capture.",
        action="Check firewall rules for this destination and port, or whether it must go via the proxy.",
    ),
    FindingSpec(
        id="path.unexpected_handshake",
        explains=("path.forged_http_response",),
        severity=Severity.PROBLEM,
        title="An endpoint that should refuse connections answered",
        meaning=(
            "An endpoint the profile says must refuse (e.g. a PAC server off the corporate "
            "network) completed the TCP handshake: something answers on its behalf (carrier "
            "optimiser, transparent proxy), and programs wait instead of falling back (case C3)."
        ),
        evidence="Handshake time against the path RTT, and what the request got (nothing, or a fake answer).",
        action="Find the device that answers (carrier, hotel or office network) or correct the profile.",
    ),
    FindingSpec(
        id="tls.reset_after_client_hello",
        explains=("net.gateway_vendor",),
        severity=Severity.PROBLEM,
        title="The secure connection is reset after the greeting",
        meaning=(
            "The TCP connection was accepted, the TLS ClientHello was sent, and a few seconds "
            "later the connection was reset: typically a load balancer or firewall that "
            "inspects TLS and rejects it, or a server that cannot complete the handshake."
        ),
        evidence=(
            "Seconds from ClientHello to reset, the address that sent the RST and its TTL "
            "compared with the server's other packets."
            " With the hop locator (TTL-limited probes): the hop that answers, its address "
            "and name, and how many hops away the server is."
        ),
        action=(
            "Give the server/load-balancer team the time, SNI and seconds to reset; ask them to "
            "check the TLS profile (ciphers, SNI, client certificate) on that device."
        ),
    ),
    FindingSpec(
        id="tls.no_server_hello",
        severity=Severity.PROBLEM,
        title="The server never answered the secure greeting",
        meaning="The ClientHello was sent and acknowledged, but no ServerHello arrived before the deadline.",
        evidence="ClientHello time, the server's ACK of it, and how long the program waited.",
        action="Check whether the server's response is lost on the way (see any large-packet finding).",
    ),
    FindingSpec(
        id="tls.fatal_alert",
        severity=Severity.PROBLEM,
        title="The secure connection was refused with an alert",
        meaning="A TLS fatal alert ended the handshake (by the server, or by a device that forged it).",
        evidence="The alert's description, the packet that carried it and its TTL compared with the server's.",
        action="Give the alert name and server to the team that runs the server or the inspecting device.",
    ),
    FindingSpec(
        id="tls.inspected_by_proxy",
        explains=("tls.certificate_intercepted", "tls.certificate_invalid"),
        severity=Severity.WARNING,
        title="The route's proxy inspects secure connections (SSL inspection)",
        meaning=(
            "Through the proxy the user's applications use, the site's certificate is issued "
            "by a CA this computer trusts but the public bundle (certifi) does not: the proxy "
            "opens and re-signs TLS. Browsers (OS trust) work; Python (certifi), Java, Node.js "
            "and many vendor clients with their own CA list fail with certificate errors."
        ),
        evidence=(
            "The issuer seen through the CONNECT tunnel, both verification results (OS store "
            "vs public bundle), and the real server's issuer read by a direct comparison "
            "handshake when direct access is possible."
        ),
        action=(
            "Exempt the destination from inspection (splice, not bump) for the applications "
            "that fail, or add the organisation's inspection CA to their trust stores."
        ),
    ),
    FindingSpec(
        id="tls.certificate_intercepted",
        severity=Severity.WARNING,
        title="The secure connection is inspected by a local certificate authority",
        meaning=(
            "The server's certificate chains to a CA that this computer trusts but the public "
            "web does not: SSL inspection by a proxy, firewall or antivirus."
        ),
        evidence="The issuer of the presented chain and the two verification results (OS store, public bundle).",
        action=(
            "Expected if your organisation inspects TLS; otherwise find the product that owns "
            "this CA. Applications with their own trust store (Java, chat clients) will fail."
        ),
    ),
    FindingSpec(
        id="tls.certificate_invalid",
        severity=Severity.PROBLEM,
        title="The server's certificate is not valid here",
        meaning="The certificate fails verification against the operating system's trust store.",
        evidence="The verification error, the subject and issuer of the presented certificate.",
        action="Give the error and the issuer to the server's owner, or check for an intercepting device.",
    ),
    FindingSpec(
        id="path.dscp_marked",
        severity=Severity.WARNING,
        title="The server's packets carry a QoS priority mark",
        meaning=(
            "Packets from an Internet server arrive with a non-zero DSCP. EF (46) is meant for "
            "voice; WAN QoS policers may drop large EF packets. Worse when the marked packets "
            "are the ones that get lost."
        ),
        evidence="The DSCP value and its name, the packets that carried it, which of them were lost.",
        action=(
            "Ask the network team to re-mark (or trust) this server's DSCP at the WAN edge, "
            "or the server's owner to stop marking non-voice traffic EF."
        ),
    ),
    FindingSpec(
        id="path.header_rewritten",
        severity=Severity.INFO,
        title="A device on the way rewrites the TCP MSS option, the DSCP or the window",
        meaning=(
            "Routers that drop a TTL-limited probe quote it back as they received it "
            "(tracebox's method): a field quoted differently from how the probe left was "
            "changed on the way, between the last hop quoting the old value and the first "
            "quoting the new one. MSS clamping fits connections into tunnels; re-marked DSCP "
            "changes the priority class QoS gives them; a changed window marks a WAN "
            "optimiser or firewall."
        ),
        evidence=(
            "The sent value (the captured probe; without capture, the first hop's quote), "
            "the value each hop quotes, the two hops around the change and their addresses. "
            "DSCP is compared only with capture (the socket returns the quoted TCP header only)."
        ),
        action=(
            "Usually none; when it explains another finding (a too-large MSS over a tunnel, "
            "voice traffic re-marked), give the network team the hop addresses."
        ),
    ),
    FindingSpec(
        id="pathproof.not_delivered",
        explains=("pathproof.delivered",),
        severity=Severity.WARNING,
        title="A path-proof message did not arrive",
        meaning=(
            "A unique marker sent to a `wiresleuth listen` endpoint (directly or through a "
            "proxy) was not acknowledged: that path does not deliver. A problem when no path "
            "delivered it, a warning when another did (case C9). Not concluded from a wait "
            "(connect, CONNECT, acknowledgement) whose deadline fell while this computer had "
            "stopped the program."
        ),
        evidence="The route, what failed (connect, CONNECT, no acknowledgement) and the marker text.",
        action="Compare with the listener's log: the marker is absent there; the path in between drops it.",
    ),
    FindingSpec(
        id="pathproof.delivered",
        severity=Severity.INFO,
        title="A path-proof message arrived",
        meaning=(
            "A unique marker reached the `wiresleuth listen` endpoint and was acknowledged, "
            "with the source address the server saw (the proxy's, through a proxy)."
        ),
        evidence="The marker, the route, the source address the listener logged and the round trip.",
        action="Proof that the network delivers this path: look at the application or server instead.",
    ),
    FindingSpec(
        id="local.request_held",
        explains=("local.security_products", "latency.client"),
        severity=Severity.WARNING,
        title="Software on this computer holds web requests before they leave",
        meaning=(
            "The program handed its request to the network, but the packet reached the wire "
            "seconds later: software on this computer (an antivirus URL filter, a firewall, a "
            "security agent) held it. A round hold (5.0 s) is a software timeout failing open. "
            "A request stamped as this computer stopped the program, and sent as it woke, is "
            "not counted: the stop, not a hold, may have delayed it."
        ),
        evidence=(
            "Per request: when it was handed to the socket and when it appeared on the wire "
            "(capture), the held packet, and the connection attempts of other processes that "
            "went unanswered during the hold (SYN headers only, or the socket table)."
        ),
        action=(
            "Check the security product's web/URL filter and the server it consults (the "
            "unanswered address and port); exempt or repair it."
        ),
    ),
    FindingSpec(
        id="mtu.path_mtu",
        severity=Severity.INFO,
        title="Largest packet that crosses the path",
        meaning="The path MTU towards a server, found by a binary search with ICMP echoes with DF set.",
        evidence="Every size tried and its result (reply, lost, frag-needed), for a size/result plot.",
        action="Context for any large-packet finding: compare with the interface MTU.",
    ),
    FindingSpec(
        id="local.security_products",
        severity=Severity.INFO,
        title="Security products on this computer",
        meaning=(
            "Antivirus, endpoint and network-filter products this computer reports (Windows "
            "Security Center, macOS system extensions, known agents' processes on Linux). "
            "Only processes that share the program's network namespace count: an agent in a "
            "container or another namespace never touches this computer's traffic."
        ),
        evidence="Each product's name and where it was found (WMI class, extension, process).",
        action="Context for delays and resets caused on this computer: name the product to its owner.",
    ),
    FindingSpec(
        id="net.gateway_vendor",
        severity=Severity.INFO,
        title="Your default gateway's maker",
        meaning="The vendor registered for the default gateway's MAC address (IEEE OUI).",
        evidence="Gateway IP and MAC address, the OUI's registered owner.",
        action="Useful context: an F5 or similar appliance as gateway points at a load balancer in the path.",
    ),
    FindingSpec(
        id="capture.unavailable",
        about_the_run=True,
        user_step="If the helpdesk asks for packet evidence, run the diagnostics again with capture allowed (see the user guide).",
        severity=Severity.WARNING,
        title="Packets could not be captured",
        meaning=(
            "The program ran without the right to capture its own traffic; findings rest on "
            "what its sockets saw. Per-packet evidence (TTLs, DSCP, retransmissions) is missing."
        ),
        evidence="The reason capture failed and how to enable it on this system.",
        action="Re-run with capture rights (see the user guide) if a finding needs packet evidence.",
    ),
    FindingSpec(
        id="capture.frames_missing",
        about_the_run=True,
        user_step="If the helpdesk needs to know whether the network loses packets, capture again.",
        severity=Severity.WARNING,
        title="The capture itself is damaged (or missed packets) where data seems lost",
        meaning=(
            "A connection shows bytes that never arrived, but the capture lost frames itself "
            "while that connection was open: a damaged record or block of the capture file, "
            "or packets a live capture dropped (its buffer overflowed). The missing bytes may "
            "be the capture's, not the network's, so no loss is concluded from that "
            "connection (path.large_packet_loss needs connections the capture saw whole), nor "
            "a segment never acknowledged or a ClientHello never answered (the answer may "
            "lie in the lost frames)."
        ),
        evidence=(
            "What the connection shows (bytes missing, resends), its frames, and where the "
            "capture lost frames (damaged between which frames, or how many packets dropped)."
        ),
        action=(
            "Take a new capture (written whole, with a large enough buffer) to tell whether "
            "the network loses packets."
        ),
    ),
    FindingSpec(
        id="dns.nxdomain_rewritten",
        explains=("pac.fetch_http_error", "pac.fetch_hangs", "dns.long_ttl"),
        severity=Severity.PROBLEM,
        title="The name server invents addresses for names that do not exist",
        meaning=(
            "Random, certainly non-existent names got an address instead of NXDOMAIN: the "
            "resolver (often an Internet provider's) rewrites errors into its own web server. "
            "A PAC or WPAD name that should not resolve off the company network then leads "
            "browsers to that server, which answers (e.g. 404) instead of failing fast (C4)."
        ),
        evidence=(
            "Each random name with the address, TTL and server that answered, and what that "
            "address answers to GET / (status line, Server header)."
        ),
        action=(
            "Use name servers that do not rewrite NXDOMAIN (or opt out with the provider); "
            "point the PAC name off-network at an address that refuses connections."
        ),
    ),
    FindingSpec(
        id="pac.points_to_local_listener",
        explains=("local.port80_listener", "pac.fetch_http_error", "dns.long_ttl"),
        severity=Severity.PROBLEM,
        title="The PAC address points at this computer, where a program answers",
        meaning=(
            "The PAC host resolves to loopback or to this computer, and a local program "
            "listening on the PAC port answers (e.g. Microsoft-HTTPAPI/2.0 with 404) where a "
            "refusal was needed: browsers wait or retry instead of going direct (C4)."
        ),
        evidence=(
            "The PAC host's address and its kind, the owning process (pid, executable), the "
            "answer's status line and Server header."
        ),
        action=(
            "Stop that service listening on the PAC port, or resolve the PAC name off-network "
            "to an address that refuses (RST), with a short TTL."
        ),
    ),
    FindingSpec(
        id="pac.unexpected_answer",
        explains=("path.unexpected_handshake", "path.forged_http_response", "pac.fetch_hangs"),
        severity=Severity.PROBLEM,
        title="Something answers for a PAC server that should refuse",
        meaning=(
            "The profile says this PAC endpoint must refuse every connection (so browsers off "
            "the company network fall back to direct at once), but a handshake completed: a "
            "device in the path (a carrier's TCP optimiser) answers on the server's behalf (C3)."
        ),
        evidence=(
            "Handshake time against the path RTT (ICMP), the SYN-ACK's TTL against the "
            "address's echo replies, and what came after (silence or a fake answer)."
            " With the hop locator (TTL-limited probes): the hop that answers, its address "
            "and name, and how many hops away the server is."
        ),
        action=(
            "Give the access provider the PAC server address and the evidence; ask them to "
            "bypass it in their optimiser (this fixed C3 for Verizon)."
        ),
    ),
    FindingSpec(
        id="path.forged_http_response",
        severity=Severity.PROBLEM,
        title="An HTTP answer came from the path, not from the server",
        meaning=(
            "An HTTP response arrived that the server cannot have sent: the server refuses all "
            "connections, or the handshake was faster than the path allows. A middlebox "
            "answered, e.g. C3's fake 'HTTP/1.1 503'."
        ),
        evidence=(
            "The status line and Server header, the handshake-versus-path timing, the TTLs."
            " With the hop locator (TTL-limited probes): the hop that answers, its address "
            "and name, and how many hops away the server is."
        ),
        action="Give the network team or provider the evidence; the device that answered must be found.",
    ),
    FindingSpec(
        id="pac.fetch_hangs",
        severity=Severity.PROBLEM,
        title="Loading the PAC hangs",
        meaning=(
            "The PAC server accepts the connection and never answers, or its SYNs go "
            "unanswered. Chrome and Edge wait up to 30 s per attempt before going direct."
        ),
        evidence="Connect timing, how long the program waited, bytes received (none or partial).",
        action="Check the PAC server and any proxy/optimiser in the path; a refusal or a 200 is needed.",
    ),
    FindingSpec(
        id="pac.fetch_refused",
        severity=Severity.PROBLEM,
        title="The PAC server refuses connections",
        meaning=(
            "The PAC endpoint answered the SYN with a reset. Where the profile lists it under "
            "must_refuse this is the expected state (info: the fast fallback works); "
            "otherwise the PAC cannot be loaded and browsers go direct (problem)."
        ),
        evidence="The SYN and RST with the time between them.",
        action="If the PAC should be served here, check the server and firewalls; else nothing.",
    ),
    FindingSpec(
        id="pac.fetch_http_error",
        severity=Severity.PROBLEM,
        title="The PAC could not be downloaded",
        meaning=(
            "The PAC server answered with a status other than 200, or with no HTTP answer at "
            "all. Browsers treat it as a failed PAC and go direct."
        ),
        evidence="Status line, Server header and the address that answered.",
        action="Fix the PAC URL or the server; check whether the address is the real PAC server.",
    ),
    FindingSpec(
        id="pac.invalid_script",
        severity=Severity.PROBLEM,
        title="The PAC script is not usable",
        meaning=(
            "The PAC is not valid JavaScript, has no FindProxyForURL, throws, returns text "
            "browsers do not understand, exhausts memory or is larger than 1 MiB."
        ),
        evidence="The JavaScript error or the invalid return value, and the target it came from.",
        action="Give the error to whoever maintains the PAC file.",
    ),
    FindingSpec(
        id="pac.evaluation_timeout",
        severity=Severity.PROBLEM,
        title="The PAC script never finishes",
        meaning=(
            "FindProxyForURL did not return within the time limit (e.g. an endless loop): "
            "browsers stall on it. It ran in a separate process that was stopped. Not "
            "concluded when the limit ran out while this computer had stopped the program "
            "(and the script with it: it had less time)."
        ),
        evidence="The time limit and how long the script ran.",
        action="Give the PAC to whoever maintains it; look for loops and slow DNS calls.",
    ),
    FindingSpec(
        id="pac.fetch_slow",
        severity=Severity.WARNING,
        title="The PAC loads slowly",
        meaning=(
            "The PAC was served, but took more than 2 s; every browser start and network "
            "change waits for it."
        ),
        evidence="Connect time and total download time.",
        action="Check the PAC server's load and the path to it.",
    ),
    FindingSpec(
        id="local.port80_listener",
        severity=Severity.WARNING,
        title="A program on this computer listens on a web port",
        meaning=(
            "A program listens on TCP 80 (or 8080/443) of this computer. Harmless by itself; "
            "when a PAC or WPAD name points here, it answers instead of the refusal browsers "
            "need (C4). Warning when it answers HTTP on port 80, otherwise info."
        ),
        evidence="Bound address and port, owning process, its answers to GET /wpad.dat and GET /.",
        action="If a PAC/WPAD problem is reported too, stop the service or move it off port 80.",
    ),
    FindingSpec(
        id="dns.long_ttl",
        severity=Severity.INFO,
        title="The PAC server's address is cached for a long time",
        meaning=(
            "The PAC host's DNS answer has a TTL above 5 minutes: after moving between "
            "networks (VPN on/off) computers keep the old address that long (C4: 30 minutes)."
        ),
        evidence="The name, address, TTL and the server that answered.",
        action="Shorten the TTL of a PAC name that resolves differently inside and outside.",
    ),
    FindingSpec(
        id="pac.not_configured",
        severity=Severity.INFO,
        title="No proxy auto-configuration is in use",
        meaning=(
            "Neither the profile nor this computer names a PAC (and automatic detection found "
            "none), so there was no PAC to check. Every proxy source read and the one in force "
            "are listed."
        ),
        evidence="Each configuration source (WinINet, WinHTTP, scutil, GNOME, KDE, environment).",
        action="Nothing, unless your organisation uses a PAC: then the profile should name it.",
    ),
    FindingSpec(
        id="net.no_connectivity",
        user_step="Connect the computer (cable, Wi-Fi or VPN) and run the diagnostics again.",
        explains=(
            "dns.resolution_failed",
            "proxy.unreachable",
            "path.direct_blocked",
            "path.works_only_via_proxy",
            "pac.fetch_hangs",
            "pac.fetch_refused",
            "pac.fetch_http_error",
            "tls.no_server_hello",
            "pathproof.not_delivered",
            "mtu.path_mtu",
            "tcp.no_answer",
            "dns.no_answer",
            "dns.server_failure",
        ),
        severity=Severity.PROBLEM,
        title="This computer has no network connection",
        meaning=(
            "No target could be looked up or reached and the basics are missing: no default "
            "route, no DNS server answers, or the gateway is silent. Every per-site failure "
            "follows from that one cause, so they are its evidence rather than findings of "
            "their own."
        ),
        evidence=(
            "The routing table's default route (or its absence), each DNS server asked and "
            "whether it answered, the gateway's answer, and every target's lookup error."
        ),
        action=(
            "Reconnect the computer (cable, Wi-Fi, VPN) and run the diagnostics again; if it "
            "is connected, check its address settings (DHCP) and the gateway."
        ),
    ),
    FindingSpec(
        id="probe.program_stopped",
        about_the_run=True,
        user_step="Run the diagnostics again (leave the computer awake and not too busy).",
        severity=Severity.INFO,
        title="This computer stopped the program during the run",
        meaning=(
            "The program was not scheduled for a while (a very busy computer, sleep, a "
            "paused process) while some checks waited for an answer, and their deadline fell "
            "during the stop: an answer that came meanwhile was never read, so their silence "
            "is the computer's (and work with a time limit, the PAC script, had less time). "
            "Those conclusions are withheld (their checks could not run) instead of blaming "
            "the network."
        ),
        evidence=(
            "Each stop the engine's stall meter saw (start, end, length, placed to within its "
            "50 ms interval) and the conclusions withheld because of it."
        ),
        action="Run again; if it repeats, look at what loads or suspends the computer.",
    ),
    FindingSpec(
        id="dns.resolution_failed",
        user_step="Check the site's name; if it is right, send the results to your helpdesk.",
        severity=Severity.PROBLEM,
        title="A name could not be looked up",
        meaning="The system resolver returned no address for a target's host name.",
        evidence="The resolver's error and how long the lookup took.",
        action="Check the name; check the DNS servers in system.json and whether the name needs VPN/split DNS.",
    ),
    FindingSpec(
        id="probe.failed",
        about_the_run=True,
        severity=Severity.WARNING,
        title="A check could not complete",
        meaning=(
            "One probe failed or ran out of time; the rest of the run is unaffected. Also "
            "when a site's answer came but this computer was too busy to read it in time (the "
            "capture shows it arriving, or it waited unread in the socket): that silence is "
            "the computer's, so the check concludes nothing about the network from it."
        ),
        evidence=(
            "The probe, its deadline and the error; for an answer read too late, the frame "
            "that carried it and when it arrived."
        ),
        action="Re-run; if it repeats, send the bundle: the log says what failed.",
    ),
)

# Ordinary faults any capture can show (issue 12), concluded by the passive rules on a
# capture file and, where they apply, on a run's own packets.
_SPECS += (
    FindingSpec(
        id="tcp.unacknowledged",
        severity=Severity.PROBLEM,
        title="A segment was sent again and again and never acknowledged",
        meaning=(
            "One side resent the same segment with growing intervals (TCP's retransmission "
            "back-off) and the other side never acknowledged it: the connection could not go "
            "on. When the receiver's window was full (it had stopped taking data) the receiver "
            "is stuck, not the network; when nothing at all came back, the receiver or the "
            "path went silent."
        ),
        evidence=(
            "Every resend of the segment with its time and the intervals between them, the "
            "highest byte acknowledged, the receiver's last window and whether it still sent "
            "anything."
        ),
        action=(
            "Window full: look at the receiving device or program (a hung printer, a full "
            "disk, a stuck application). Silence: check whether the receiver is still up, then "
            "the path between the two."
        ),
    ),
    FindingSpec(
        id="tcp.zero_window",
        severity=Severity.WARNING,
        title="A receiver stopped taking data (zero window)",
        meaning=(
            "A computer advertised a receive window of zero: its program was not reading what "
            "arrived, so the sender had to wait. A window that opens again within half a "
            "second is normal flow control and is not reported; a longer stall is (info when "
            "it recovered, warning when it lasted 2 s or more or never recovered)."
        ),
        evidence=(
            "The first zero-window segment, the segment that opened the window again (or "
            "that it never did), how long it stayed closed, the sender's window probes."
        ),
        action=(
            "The receiving program or device is slow or stuck (disk, CPU, a printer that "
            "cannot print): look there, not at the network."
        ),
    ),
    FindingSpec(
        id="tcp.connection_refused",
        severity=Severity.WARNING,
        title="A server refused the connection",
        meaning=(
            "A connection attempt was answered by a reset instead of a SYN-ACK: nothing "
            "accepts connections on that port (the service is stopped or listens elsewhere), "
            "or a firewall refuses on the server's behalf. Not reported when a later attempt "
            "to the same port succeeded, nor for port scans."
        ),
        evidence=(
            "The SYN and the reset with the time between them, the reset's TTL and hop count "
            "against the server's other packets, how many attempts were refused."
        ),
        action=(
            "Check that the service runs and listens on that port; if the reset came from "
            "nearer than the server (another TTL), find the firewall that sends it."
        ),
    ),
    FindingSpec(
        id="tcp.no_answer",
        severity=Severity.WARNING,
        title="Connection attempts got no answer",
        meaning=(
            "SYNs were sent, retried, and never answered by a SYN-ACK or a reset: the server "
            "is down or unreachable, or a firewall drops the attempts silently. ICMP errors "
            "(host unreachable, administratively prohibited) say where it was stopped."
        ),
        evidence=(
            "The SYNs and their retries, for how long the client tried, how many connections "
            "failed this way, and any ICMP error about them with the router that sent it."
        ),
        action=(
            "Check that the server is up and reachable from this network; ask the network "
            "team about firewalls dropping that address and port."
        ),
    ),
    FindingSpec(
        id="dns.server_failure",
        severity=Severity.WARNING,
        title="A name server failed or refused to answer",
        meaning=(
            "A name server answered SERVFAIL (it could not resolve the name: the domain's "
            "servers are unreachable or its DNSSEC is broken) or REFUSED (it does not serve "
            "this client). Not reported when the same name was answered after all; reverse "
            "lookups alone are only info."
        ),
        evidence="Each failed query and its answer, the name, the type and the server.",
        action=(
            "SERVFAIL for one domain: the domain's owner must fix its name servers. For every "
            "name, or REFUSED: the resolver is misconfigured for this network; use another."
        ),
    ),
    FindingSpec(
        id="dns.no_answer",
        severity=Severity.WARNING,
        title="A name server did not answer",
        meaning=(
            "DNS queries got no answer at all (the client asked again, or waited seconds): "
            "the name server is down or unreachable, or answers are lost. Applications wait "
            "for the lookup's timeout before they even start to connect. Not reported when "
            "another server answered the same name."
        ),
        evidence="The unanswered queries and their retries, the names, the server, for how long.",
        action="Check the name server named; configure a working one (system.json lists them).",
    ),
    FindingSpec(
        id="latency.path",
        severity=Severity.WARNING,
        title="The network path is slow",
        meaning=(
            "A slow exchange spent most of its time on the network: the round trip to the "
            "server (the TCP handshake) took half a second or more, and it dominated over "
            "the time the server and the client took."
        ),
        evidence="The handshake's SYN and SYN-ACK with the round trip, and the exchange's other parts.",
        action=(
            "Give the network team the path (addresses, round trip): a congested or long "
            "link (satellite, overloaded VPN) or a queue in a device on the way."
        ),
    ),
    FindingSpec(
        id="latency.server",
        severity=Severity.WARNING,
        title="The server is slow to answer",
        meaning=(
            "A request reached the server quickly (its acknowledgement came back within the "
            "round trip), but the answer's first byte came half a second or more later and "
            "at least four round trips later: the server (or the application behind it) took "
            "the time, not the network."
        ),
        evidence=(
            "The request, the server's ACK of it, the first byte of the answer, the round "
            "trip of the same connection."
        ),
        action="Give the server's owner the time and the request; the network is not the cause.",
    ),
    FindingSpec(
        id="latency.client",
        severity=Severity.WARNING,
        title="The client waits before it sends its request",
        meaning=(
            "The connection was ready (or the previous answer complete), but the client sent "
            "its request half a second or more later, and at least four round trips later: "
            "the time was spent on the client's side (the program, or software on the "
            "computer holding it). Between two exchanges this may also be a user's pause "
            "(info)."
        ),
        evidence="The end of the handshake or the previous answer, the request, the round trip.",
        action=(
            "Look at the client program and the security software on that computer; the "
            "network and the server are not the cause."
        ),
    ),
)

CATALOGUE: dict[str, FindingSpec] = {spec.id: spec for spec in _SPECS}
"""Finding ID -> its description."""

_RANK: dict[str, int] = {spec.id: index for index, spec in enumerate(_SPECS)}


def spec(finding_id: str) -> FindingSpec:
    """The catalogue entry of a finding ID; KeyError for an ID nobody declared."""
    return CATALOGUE[finding_id]


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Most severe first; within a severity, causes before the symptoms they explain."""
    return tuple(
        sorted(
            findings,
            key=lambda f: (-f.severity.weight, _RANK.get(f.id, len(_RANK)), f.target or ""),
        )
    )


def markdown(
    concluded_by: Mapping[str, str] | None = None,
    *,
    command: str = "python -m wiresleuth.model.catalogue > docs/findings.md",
) -> str:
    """The findings catalogue as Markdown (docs/findings.md is this with ``concluded_by``:
    the interpretation that concludes each ID, which ``diagnosis.findings_doc`` knows)."""
    lines = [
        "# Findings catalogue",
        "",
        "Generated from `desktop/wiresleuth/model/catalogue.py` and the interpretations'",
        "registry (`desktop/wiresleuth/diagnosis/registry.py`) by",
        f"`{command}`; a test keeps them equal.",
        "Finding IDs are a public API of the bundle: they never change meaning.",
        "Findings are ordered by severity, then by the order below (causes before symptoms).",
        "",
        "A finding that *explains* others is their cause: the results show it once, with the",
        "findings it explains inside it (when both are about the same target, or one of them",
        "is about the whole run), and the headline counts causes, not findings. Findings",
        "*about the run* (what could not be measured) are never counted as a cause.",
        "",
        "Each finding is concluded in one place, whatever the source: one interpretation",
        "(a wizard's, or the rules about packets alone) declares it, and one module builds it.",
        "A run, a bundle re-analysed (`wiresleuth report --reanalyse`) and a capture taken",
        "elsewhere (`wiresleuth analyze`) all go through `diagnosis.diagnose`.",
        "",
        "The TLS check tests every address a site's name resolves to (IPv4 and IPv6). A",
        "finding seen on only some of them says so and names them (\"2 of 4 addresses of",
        "portal.example.com reset after the ClientHello: 10.0.0.7 and 10.0.0.9\"), cites each",
        "failing address's packets, and its values add `addresses_failing`, `addresses_tested`,",
        "`failing` and `tested`; seen on all of them, it reads as for a name with one address.",
        "The same holds for `path.direct_blocked` (each address a connection was tried to, the",
        "proxy-path check's direct connect to a name's first address judged beside the others,",
        "and no `path.works_only_via_proxy` when another address of the name was reached directly),",
        "`path.dscp_marked`, and the MTU/DSCP check's `mtu.blackhole` and `path.qos_policing`: it",
        "sweeps every IPv4 address of a name (`mtu.path_mtu` cites each address's sweep).",
        "",
    ]
    for item in _SPECS:
        lines += [
            f"## `{item.id}` ({item.severity.value})",
            "",
            f"**{item.title}.** {item.meaning}",
            "",
            f"- Evidence: {item.evidence}",
            f"- What the helpdesk should do: {item.action}",
        ]
        if item.user_step:
            lines.append(f"- The user's next step: {item.user_step}")
        if item.explains:
            lines.append(f"- Explains: {', '.join(f'`{i}`' for i in item.explains)}")
        if item.about_the_run:
            lines.append("- About the run, not the network: never counted as a cause")
        if concluded_by is not None and item.id in concluded_by:
            lines.append(f"- Concluded by: {concluded_by[item.id]}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
