"""The desktop application: run diagnostics, save a bundle, and view bundles and captures.

Above the core: widgets take model objects (findings, connections, packets) and subscribe to
Qt models; every analysis is done by the core, off the GUI thread. Modules and classes that
use Qt say so in their names (``qt_*.py``, ``Qt*``); the rest of this package is plain Python
that tests can call without a display.
"""
