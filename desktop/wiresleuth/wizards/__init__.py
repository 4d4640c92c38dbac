"""Guided checks. Each wizard declares what it will contact, runs its probes, and hands its
observations to pure analysis. New wizards register in ``registry.py``; nothing else changes."""
