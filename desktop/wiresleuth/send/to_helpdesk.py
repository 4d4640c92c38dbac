"""Send a bundle to the helpdesk as a profile says: the window's "Send to helpdesk" and
``wiresleuth send`` both run this (in a worker thread: it is blocking).

It decides what the profile allows: the address (the profile's ``upload_url`` or one given),
the token (the profile's ``upload_token``, sent only to the profile's own upload server: a
``--url`` elsewhere gets none), and the route this computer's applications take to it
(``upload_route``), then uploads (``upload_bundle``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from wiresleuth.profile.model import Profile
from wiresleuth.send.upload import (
    ProgressCallback,
    StageCallback,
    UploadFailed,
    UploadReceipt,
    check_upload_url,
    same_server,
    upload_bundle,
)
from wiresleuth.send.upload_route import upload_route

RouteCallback = Callable[[str], None]
"""Called once with the route, in words (``proxy 10.0.0.1:3128 (from the PAC …)``)."""


def upload_address(profile: Profile, url: str | None = None) -> str:
    """The address to send to: ``url``, else the profile's; UploadFailed when neither is an
    https:// address (the message never quotes more than the server)."""
    chosen = url or profile.upload_url
    if not chosen:
        raise UploadFailed(
            "no upload address: give --url https://..., or a profile with upload_url"
        )
    check_upload_url(chosen)
    return chosen


def upload_token_for(profile: Profile, url: str) -> str | None:
    """The profile's token when ``url`` is on the profile's upload server, else None."""
    if profile.upload_token and same_server(url, profile.upload_url):
        return profile.upload_token
    return None


def send_to_helpdesk(
    bundle: Path,
    profile: Profile,
    *,
    url: str | None = None,
    ticket: str = "",
    progress: ProgressCallback = lambda sent, total: None,
    stage: StageCallback = lambda text: None,
    routed: RouteCallback = lambda text: None,
    cancel: threading.Event | None = None,
) -> UploadReceipt:
    """Upload ``bundle`` as ``profile`` says (``url`` overrides its address); the receipt,
    or UploadFailed / UploadCancelled saying why not."""
    address = upload_address(profile, url)
    route = upload_route(address, profile)
    routed(route.shown)
    return upload_bundle(
        bundle,
        address,
        token=upload_token_for(profile, address),
        route=route,
        ticket=ticket,
        progress=progress,
        stage=stage,
        cancel=cancel,
    )
