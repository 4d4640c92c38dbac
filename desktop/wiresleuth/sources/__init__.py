"""Where recordings come from, besides a run (the engine is that source): a capture file taken
elsewhere and a saved bundle. Each reads its files (through ``capture`` and ``bundle``),
makes a ``diagnosis.Recording`` and hands it to ``diagnose``, so every rule is written once
and each source gets it."""
