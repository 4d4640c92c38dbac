"""Headless Chromium driven over the DevTools protocol on a pipe: sign in through the real
form, follow links, read the DOM, take screenshots.

``--remote-debugging-pipe``: Chromium reads commands on descriptor 3 and writes answers on
4, each a JSON text ended by NUL (what Puppeteer's ``pipe: true`` does), so no port and no
WebSocket library are needed. The inbox's self-signed (or test CA's) certificate is
accepted by its SPKI pin (``--ignore-certificate-errors-spki-list``): nothing else is.
Every wait is bounded.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

TIMEOUT = 30.0
ENABLE = "apt-get install chromium"


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def spki_pin(cert_pem: bytes) -> str:
    """Base64 SHA-256 of a certificate's public key (what Chromium pins by)."""
    key = x509.load_pem_x509_certificate(cert_pem).public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class Browser:
    """One headless Chromium with one page."""

    def __init__(self, profile: Path, pin: str, size: tuple[int, int] = (1366, 900)) -> None:
        binary = chromium_path()
        if binary is None:
            raise FileNotFoundError(f"chromium is not installed ({ENABLE})")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def descriptors() -> None:
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--remote-debugging-pipe", f"--user-data-dir={profile}",
                f"--ignore-certificate-errors-spki-list={pin}", f"--window-size={size[0]},{size[1]}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=descriptors,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        self._session = ""
        self.events: list[dict[str, Any]] = []
        """Events read while waiting for an answer (cleared by ``goto``)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False},
        )

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one command; its result (RuntimeError with Chromium's words on an error)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if self._session:
            message["sessionId"] = self._session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        answer = self._wait(lambda m: m.get("id") == self._next)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def _wait(self, wanted: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return dict(message)
                if "method" in message:
                    self.events.append(message)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"Chromium did not answer within {timeout:g} s")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium went away")
                self._buffer += chunk

    def goto(self, url: str) -> None:
        """Navigate and wait for the load event."""
        self.events = []
        self.call("Page.navigate", {"url": url})
        self._wait_event("Page.loadEventFired")

    def _wait_event(self, name: str) -> None:
        for event in self.events:
            if event.get("method") == name:
                return
        self._wait(lambda m: m.get("method") == name)

    def run(self, expression: str) -> Any:
        """A JavaScript expression's value (DevTools may run script the page itself may not)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def submit(self, selector: str) -> None:
        """Submit a form as a click on its button would, and wait for the next page."""
        self.events = []
        self.run(f"document.querySelector({json.dumps(selector)}).requestSubmit()")
        self._wait_event("Page.loadEventFired")

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        time.sleep(0.2)  # the iframe's own load
        data = self.call("Page.captureScreenshot", params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self._session = ""
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)
