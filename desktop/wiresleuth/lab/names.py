"""Names of one lab instance: namespaces, state directory and /etc/netns files.

Everything a lab creates on the host is named from one prefix (env WIRESLEUTH_LAB_PREFIX), so
two engineers can run labs side by side and ``lab down`` finds exactly what one lab left.
Interface names live inside the namespaces, so they need no prefix and stay short.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from wiresleuth.errors import LabError

PREFIX_ENV = "WIRESLEUTH_LAB_PREFIX"
"""Environment variable holding the prefix of namespace and state names."""

ROLES = ("client", "router", "proxy", "internet")
"""The four namespaces of every lab, by role."""

OPTIONAL_ROLES = ("wan",)
"""Namespaces only some scenarios have: ``wan``, a second router between ``router`` and
``internet`` (scenario key ``routers = 2``)."""

_PREFIX_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,15}")

RUN_DIR = Path("/run")
"""Where state directories live (tmpfs: a reboot clears leftovers)."""

NETNS_ETC = Path("/etc/netns")
"""``ip netns exec`` bind-mounts files found under ``/etc/netns/<ns>/`` over ``/etc``."""


@dataclass(frozen=True, kw_only=True)
class LabNames:
    """The host-visible names of one lab instance."""

    prefix: str = ""
    """Prepended to every namespace and to the state directory; empty by default."""

    def __post_init__(self) -> None:
        if self.prefix and not _PREFIX_RE.fullmatch(self.prefix):
            raise LabError(
                f"{PREFIX_ENV}={self.prefix!r}: use 1-16 lower-case letters, digits or '-'"
            )

    @classmethod
    def from_env(cls) -> LabNames:
        """The names selected by WIRESLEUTH_LAB_PREFIX (default: no prefix)."""
        return cls(prefix=os.environ.get(PREFIX_ENV, ""))

    def ns(self, role: str) -> str:
        """The namespace name of a role (``client``, ``router``, ``proxy``, ``internet``,
        ``wan``)."""
        if role not in ROLES and role not in OPTIONAL_ROLES:
            known = ", ".join((*ROLES, *OPTIONAL_ROLES))
            raise LabError(f"unknown namespace role {role!r}; known: {known}")
        return f"{self.prefix}{role}"

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The namespace names every lab has, in role order."""
        return tuple(self.ns(role) for role in ROLES)

    @property
    def all_namespaces(self) -> tuple[str, ...]:
        """Every namespace name a lab of these names may have (the optional ones last)."""
        return tuple(self.ns(role) for role in (*ROLES, *OPTIONAL_ROLES))

    @property
    def state_dir(self) -> Path:
        """Configs, PKI, logs and the process table of a running lab."""
        return RUN_DIR / (f"wiresleuth-lab-{self.prefix}" if self.prefix else "wiresleuth-lab")

    def etc_dir(self, role: str) -> Path:
        """The /etc/netns directory of a role's namespace."""
        return NETNS_ETC / self.ns(role)
