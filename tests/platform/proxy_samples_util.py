"""Recorded real proxy-settings samples (provenance in proxy_samples/SOURCES.md)."""

from pathlib import Path

PROXY_SAMPLES = Path(__file__).parent / "proxy_samples"


def proxy_sample(name: str) -> str:
    """The text of one recorded sample."""
    return (PROXY_SAMPLES / name).read_text(encoding="utf-8")
