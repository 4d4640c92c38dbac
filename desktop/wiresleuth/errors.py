"""Our own error tree: foreign errors (ssl, socket, scapy, OS) are converted at the boundary.

"We failed" (WireSleuthError) is kept apart from "the network misbehaved", which is an
observation that analysis turns into a finding, never an exception.
"""


class WireSleuthError(Exception):
    """Something prevented the program itself from doing its work."""


class BadInput(WireSleuthError):
    """The user, the profile or a file gave us something we cannot use; the message says what."""


class ProfileError(BadInput):
    """A profile file is invalid; the message names the file and line."""


class CaptureUnavailable(WireSleuthError):
    """Packet capture cannot start (no rights, no libpcap, bad filter)."""


class BundleError(WireSleuthError):
    """A bundle cannot be written or read."""


class BadBundle(BundleError, BadInput):
    """A file given as a bundle cannot be read: not a bundle, damaged, or hostile."""


class CaptureFileError(BadInput):
    """A capture file is damaged or of a kind we cannot read."""


class LabError(WireSleuthError):
    """The test lab could not be built, run or torn down."""


class Cancelled(WireSleuthError):
    """The run was cancelled by the user."""
