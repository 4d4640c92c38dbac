"""Runs wizards concurrently with deadlines, captures their traffic, and assembles the result."""

from wiresleuth.engine.engine import Engine

__all__ = ["Engine"]
