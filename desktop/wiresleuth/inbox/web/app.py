"""The Starlette application: routes, the templates, the shared state of a running inbox."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from wiresleuth.inbox.settings import InboxSettings
from wiresleuth.inbox.store import BundleStore
from wiresleuth.inbox.web import pages
from wiresleuth.inbox.web.early_answer import CloseWhenBodyUnread
from wiresleuth.inbox.web.headers import SecurityHeaders
from wiresleuth.inbox.web.signin import SigninBrake
from wiresleuth.inbox.web.upload_endpoint import Slots, upload


def _when(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def _size(value: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value = value / 1024  # type: ignore[assignment]
    return str(value)


def templates() -> Environment:
    """Jinja2 with autoescape on for every template (not only ``.html``)."""
    env = Environment(
        loader=PackageLoader("wiresleuth.inbox", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["size"] = _size
    return env


def build_app(
    settings: InboxSettings,
    store: BundleStore,
    *,
    background: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> Starlette:
    """The inbox's ASGI app. ``background``, if given, runs as a task for the app's
    lifetime (the retention sweep) and is cancelled when the server stops."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(background()) if background is not None else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    routes = [
        Route("/", pages.home),
        Route("/signin", pages.signin_form, methods=["GET"]),
        Route("/signin", pages.signin, methods=["POST"]),
        Route("/signout", pages.signout, methods=["POST"]),
        Route("/bundles", pages.bundle_list),
        Route("/groups", pages.groups),
        Route("/refused", pages.refused),
        Route("/bundles/{bundle_id}", pages.bundle_page),
        Route("/bundles/{bundle_id}/report.html", pages.report_html),
        Route("/bundles/{bundle_id}/download", pages.download),
        Route("/bundles/{bundle_id}/delete", pages.delete, methods=["POST"]),
        Route("/upload", upload, methods=["POST"]),
        Route("/upload/{token}", upload, methods=["POST"]),
        Route("/static/inbox.css", pages.stylesheet),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(CloseWhenBodyUnread)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.slots = Slots(settings.upload_slots)
    app.state.brake = SigninBrake()
    app.state.templates = templates()
    app.state.css = (
        resources.files("wiresleuth.inbox").joinpath("static/inbox.css").read_text("utf-8")
    )
    return app
