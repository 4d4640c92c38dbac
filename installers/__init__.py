"""Build tools for WireSleuth's installers (not part of the shipped program)."""
