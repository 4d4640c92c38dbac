"""Active measurements: the only place (with the engine) that owns sockets, ssl and asyncio.

Each probe returns an observation (model/observations.py); it never decides what the
observation means. Network misbehaviour is recorded, not raised.
"""
