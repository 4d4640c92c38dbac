"""The engineers' pages: sign-in, the list of bundles, the grouped view, one bundle.

Server-rendered with Jinja2 (autoescaped: every string from a bundle is escaped), no
script. Reads run in Starlette's thread pool (plain ``def`` endpoints); forms are read
asynchronously, then their work runs in the pool too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from wiresleuth.bundle.manifest import HTML_MEMBER
from wiresleuth.inbox import accounts, views
from wiresleuth.inbox.accounts import SignedIn
from wiresleuth.inbox.facts import FACET_KINDS
from wiresleuth.inbox.store import BundleStore
from wiresleuth.inbox.tables import RefusalRow
from wiresleuth.inbox.web.headers import REPORT_POLICY
from wiresleuth.inbox.web.signin import (
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    SigninBrake,
    clear_session_cookie,
    current,
    form_token_ok,
    same_origin,
    set_session_cookie,
    set_signin_cookie,
    signin_token,
)
from wiresleuth.model.catalogue import CATALOGUE

_CHUNK = 64 * 1024


def _store(request: Request) -> BundleStore:
    store: BundleStore = request.app.state.store
    return store


def render(
    request: Request, template: str, me: SignedIn | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page from ``templates/`` (autoescaped)."""
    env: Environment = request.app.state.templates
    page = env.get_template(template).render(me=me, request_path=request.url.path, **context)
    return HTMLResponse(page, status)


def _to_signin(request: Request) -> RedirectResponse:
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(back)}", 303)


def _safe_next(target: str) -> str:
    """Only a path on this site (never ``//elsewhere`` or a full URL)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/bundles"
    return target


def home(request: Request) -> Response:
    return RedirectResponse("/bundles", 303)


def signin_form(request: Request) -> Response:
    token = signin_token(request)
    response = render(
        request,
        "signin.html",
        None,
        csrf=token,
        next=_safe_next(request.query_params.get("next", "/bundles")),
        error="",
    )
    set_signin_cookie(response, token)
    return response


async def signin(request: Request) -> Response:
    brake: SigninBrake = request.app.state.brake
    address = request.client.host if request.client else "unknown"
    form = await request.form()
    cookie = request.cookies.get(SIGNIN_COOKIE, "")
    next_page = _safe_next(str(form.get("next") or "/bundles"))
    if not same_origin(request) or not cookie or not form_token_ok(cookie, form):
        return PlainTextResponse(
            "the sign-in form has expired or came from another site; reload it\n", 403
        )
    if brake.blocked(address):
        return render(
            request,
            "signin.html",
            None,
            429,
            csrf=cookie,
            next=next_page,
            error="Too many failed sign-ins from this address: wait ten minutes.",
        )
    name, password = str(form.get("name") or ""), str(form.get("password") or "")
    engineer = await run_in_threadpool(accounts.verify, _store(request).db, name, password)
    if engineer is None:
        brake.failed(address)
        return render(
            request,
            "signin.html",
            None,
            401,
            csrf=cookie,
            next=next_page,
            error="Wrong name or password.",
        )
    key = await run_in_threadpool(accounts.open_session, _store(request).db, engineer)
    response = RedirectResponse(next_page, 303)
    set_session_cookie(response, key)
    return response


async def signout(request: Request) -> Response:
    me = await run_in_threadpool(current, request)
    form = await request.form()
    if me is not None and same_origin(request) and form_token_ok(me.csrf, form):
        await run_in_threadpool(
            accounts.close_session, _store(request).db, request.cookies.get(SESSION_COOKIE)
        )
    response = RedirectResponse("/signin", 303)
    clear_session_cookie(response)
    return response


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 7 else 1


def bundle_list(request: Request) -> Response:
    me = current(request)
    if me is None:
        return _to_signin(request)
    filters = views.Filters.from_query(request.query_params)
    page = views.list_page(_store(request).db, filters, _page_number(request))
    return render(
        request, "bundles.html", me, filters=filters, page=page,
        refused=views.refusal_count(_store(request).db), since_choices=_since_choices(),
    )  # fmt: skip


def groups(request: Request) -> Response:
    me = current(request)
    if me is None:
        return _to_signin(request)
    filters = views.Filters.from_query(request.query_params)
    grouping = views.grouping(_store(request).db, filters)
    titles = {fid: spec.title for fid, spec in CATALOGUE.items()}
    return render(
        request, "groups.html", me, filters=filters, grouping=grouping, catalogue=titles,
        facet_kinds=FACET_KINDS, facet_titles=views.FACET_TITLES,
        facet_headings=views.FACET_HEADINGS, since_choices=_since_choices(),
    )  # fmt: skip


def _since_choices() -> list[tuple[str, str]]:
    return [("all", "any time"), *views.SINCE_WORDS.items()]


def bundle_page(request: Request) -> Response:
    me = current(request)
    if me is None:
        return _to_signin(request)
    store = _store(request)
    row = store.find(request.path_params["bundle_id"])
    if row is None:
        return render(request, "missing.html", me, 404, what=request.path_params["bundle_id"])
    facets: dict[str, list[str]] = {}
    for facet in store.facets_of(row.id):
        facets.setdefault(facet.kind, []).append(facet.value)
    return render(
        request, "bundle.html", me, row=row, findings=store.findings_of(row.id), facets=facets,
        facet_titles=views.FACET_TITLES, file_there=store.path_of(row).is_file(),
    )  # fmt: skip


def report_html(request: Request) -> Response:
    """The bundle's report.html, for the sandboxed iframe only."""
    if current(request) is None:
        return PlainTextResponse("sign in first\n", 401)
    store = _store(request)
    row = store.find(request.path_params["bundle_id"])
    if row is None or not store.path_of(row).is_file():
        return PlainTextResponse("no such bundle\n", 404)
    path = store.path_of(row)

    def chunks() -> Iterator[bytes]:
        with zipfile.ZipFile(path) as archive, archive.open(HTML_MEMBER) as member:
            while block := member.read(_CHUNK):
                yield block

    headers = {"Content-Security-Policy": REPORT_POLICY, "X-Frame-Options": "SAMEORIGIN"}
    return StreamingResponse(chunks(), media_type="text/html; charset=utf-8", headers=headers)


def download(request: Request) -> Response:
    """The bundle file, for the viewer (``wiresleuth open`` or a double-click)."""
    if current(request) is None:
        return _to_signin(request)
    store = _store(request)
    row = store.find(request.path_params["bundle_id"])
    if row is None or not store.path_of(row).is_file():
        return PlainTextResponse("no such bundle\n", 404)
    name = row.file_name if row.file_name.endswith(".wsbundle") else f"{row.id}.wsbundle"
    return FileResponse(
        store.path_of(row), media_type="application/x-wiresleuth-bundle", filename=name
    )


async def delete(request: Request) -> Response:
    me = await run_in_threadpool(current, request)
    if me is None:
        return _to_signin(request)
    form = await request.form()
    if not same_origin(request) or not form_token_ok(me.csrf, form):
        return PlainTextResponse(
            "the form has expired or came from another site; reload the page\n", 403
        )
    bundle_id = request.path_params["bundle_id"]
    if form.get("confirm") != "yes":
        return RedirectResponse(f"/bundles/{quote(bundle_id)}", 303)
    await run_in_threadpool(_store(request).delete, bundle_id)
    return RedirectResponse("/bundles?deleted=" + quote(bundle_id), 303)


def refused(request: Request) -> Response:
    me = current(request)
    if me is None:
        return _to_signin(request)
    with _store(request).db.session() as session:
        rows = list(
            session.scalars(select(RefusalRow).order_by(RefusalRow.received_at.desc()).limit(200))
        )
    return render(request, "refused.html", me, rows=rows)


def stylesheet(request: Request) -> Response:
    css: str = request.app.state.css
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
