"""WireSleuth: network diagnostics that end the blame game with evidence from the wire."""

__version__ = "0.1.0"
