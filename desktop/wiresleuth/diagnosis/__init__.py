"""The one interpretation path: a ``Recording`` in, findings, timelines and comments out.

A run, a saved bundle and a capture taken elsewhere are three sources of the same kind of
recording (observations per wizard, packets, capture status); ``diagnose`` runs every
interpretation the recording gives material to, so a rule is written once and each source
gets it. Pure like ``analysis``: no sockets, no clocks, no files.
"""
