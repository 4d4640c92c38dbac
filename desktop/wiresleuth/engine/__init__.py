"""Runs wizards concurrently with deadlines, captures their traffic, and assembles the result."""

from wiresleuth.engine.engine import Engine, discard_scratch

__all__ = ["Engine", "discard_scratch"]
