"""Local-listener wizard: which programs on this computer answer on the web ports.

Case C4: a PAC name resolved to 127.0.0.1 and a local service (Microsoft-HTTPAPI/2.0) answered
the PAC request with 404 instead of the refusal browsers need to fall back quickly. Knowing
what listens on 80/8080/443 and what it answers makes that case obvious.
"""

from __future__ import annotations

from wiresleuth.model.pac_observations import ListenersObservations
from wiresleuth.model.plan import FlowSpec
from wiresleuth.wizards.base import Progress, Wizard, WizardInput

LISTENER_TIMEOUT = 2.0
"""Seconds a local listener may take to answer one GET."""


class LocalListenersWizard(Wizard):
    """What listens on this computer's web ports, and what does it answer?"""

    id = "listeners"
    per_target = False
    observation_type = ListenersObservations
    title = "Web servers on this computer"
    description = (
        "Lists the programs listening on ports 80, 8080 and 443 of this computer and what they "
        "answer, because a proxy setting that points here reaches them instead of a refusal."
    )

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        from wiresleuth.probes.local_listeners import WEB_PORTS

        return [FlowSpec(address="127.0.0.1", proto="tcp", port=p) for p in WEB_PORTS if p != 443]

    def steps(self, given: WizardInput) -> int:
        return 1

    async def run(self, given: WizardInput, progress: Progress) -> ListenersObservations:
        from wiresleuth.probes.local_listeners import observe_listeners

        timeout = min(LISTENER_TIMEOUT, given.profile.budgets.connect)
        obs = await observe_listeners(timeout=timeout)
        progress.step(
            f"{len(obs.listeners)} listener(s) on ports {', '.join(map(str, obs.ports))}"
            if obs.error is None
            else f"socket table unreadable: {obs.error}"
        )
        return obs
