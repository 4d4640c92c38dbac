"""Pure analysis: decoded packets in, flows, TLS records and timelines out (no I/O)."""
