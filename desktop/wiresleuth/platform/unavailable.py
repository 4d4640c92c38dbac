"""The one error this package raises: an OS fact could not be read, and why."""

from wiresleuth.errors import WireSleuthError


class FactUnavailable(WireSleuthError):
    """A file, command or output we need could not be read or understood; the message says which."""
