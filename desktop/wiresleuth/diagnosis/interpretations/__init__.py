"""One module per interpretation: each wizard's, the engine's own, and the rules about
traffic seen from outside. ``diagnosis.registry`` lists them in the order they run."""
