"""Platform adapters: what the operating system says about its network setup.

Each fact comes from a pure parser of the OS's own output (tested on recorded real samples);
the thin callers that read files or run commands convert OS failures into FactUnavailable.
"""
