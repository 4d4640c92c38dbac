"""Processes the lab runs inside its namespaces (``python -m wiresleuth.lab.servers.X``)."""
