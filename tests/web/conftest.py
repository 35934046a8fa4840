"""Browser-test fixtures shared by the web tests: Playwright driving Debian's Chromium.

* `browser` (per session): headless ``/usr/bin/chromium``, no sandbox, no background
  networking. Never a downloaded browser (``playwright install`` is not used).
* `loopback_server`: an HTTP server on 127.0.0.1 (ephemeral port) serving the package's static
  assets under ``/static/`` and whatever routes a test adds (e.g. a tampered proof).
* `open_page(origin)` / `web_page`: a fresh browser context whose every request is checked by
  the origin guard (a request outside the origin is recorded and aborted, so it never leaves the
  machine) and whose console errors and uncaught page errors are collected. At teardown both
  lists must be empty; a test that provokes a problem on purpose takes it with
  `WebPage.take_problems`.
"""

from __future__ import annotations

import http.server
import mimetypes
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Route, sync_playwright

from disarm.web import static_file

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking"]


class LoopbackServer:
    """A static HTTP server on 127.0.0.1 with routes set by the test (GET and HEAD only)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, str]] = {}
        self.requests: list[str] = []
        self.add("/favicon.ico", b"", "image/x-icon", status=204)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._reply(body=True)

            def do_HEAD(self) -> None:
                self._reply(body=False)

            def _reply(self, body: bool) -> None:
                path = urlsplit(self.path).path
                server.requests.append(path)
                status, data, ctype = server.lookup(path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if body and status != 204:
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/plain; charset=utf-8",
        *,
        status: int = 200,
    ) -> None:
        """Serve `body` at `path` (replacing what was there)."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, data, content_type)

    def lookup(self, path: str) -> tuple[int, bytes, str]:
        if path in self.routes:
            return self.routes[path]
        if path.startswith("/static/") and ".." not in path:
            asset = static_file(path.removeprefix("/static/"))
            if asset.is_file():
                ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
                if ctype in ("application/javascript", "text/javascript"):
                    ctype = "text/javascript; charset=utf-8"
                return 200, asset.read_bytes(), ctype
        return 404, b"not found", "text/plain; charset=utf-8"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class WebPage:
    """A page in its own browser context, with the origin guard and the error collector."""

    def __init__(self, browser: Browser, origin: str) -> None:
        self.origin = origin
        self.off_origin: list[str] = []
        self.console_errors: list[str] = []
        self.context = browser.new_context(service_workers="block")
        self.context.route("**/*", self._guard)
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))

    def _guard(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.off_origin.append(url)
            route.abort("blockedbyclient")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, path: str) -> Page:
        response = self.page.goto(self.origin + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return self.page

    def take_problems(self) -> tuple[list[str], list[str]]:
        """The (off-origin requests, console errors) seen so far; clears both."""
        problems = (list(self.off_origin), list(self.console_errors))
        self.off_origin.clear()
        self.console_errors.clear()
        return problems

    def assert_clean(self) -> None:
        """No request left the origin and nothing was written to the console as an error."""
        assert self.off_origin == [], f"requests outside {self.origin}: {self.off_origin}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)"
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture
def loopback_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    yield server
    server.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[str], WebPage]]:
    """Open guarded pages on an origin; each must end clean (checked at teardown)."""
    pages: list[WebPage] = []

    def opener(origin: str) -> WebPage:
        page = WebPage(browser, origin)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()
    for page in pages:
        page.assert_clean()


@pytest.fixture
def web_page(open_page: Callable[[str], WebPage], loopback_server: LoopbackServer) -> WebPage:
    """A guarded page on the loopback server's origin."""
    return open_page(loopback_server.origin)


VERIFY_TEST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>verify.js</title></head>
<body><main><h1>verify.js</h1><div id="result"></div></main>
<script type="module">
import * as verify from "/static/verify.js";
window.verify = verify;
</script></body></html>
"""

# Call window.verify[name](...args) for each args list, in order, in one page evaluation.
_CALL_MANY = """async ([name, calls]) => {
  const out = [];
  for (const args of calls) out.push(await window.verify[name](...args));
  return out;
}"""


class VerifyJs:
    """verify.js loaded in a guarded page; `call` / `call_many` run its exported functions."""

    def __init__(self, web: WebPage, server: LoopbackServer) -> None:
        self.web = web
        self.server = server
        server.add("/verify-test.html", VERIFY_TEST_PAGE, "text/html; charset=utf-8")
        self.page = web.goto("/verify-test.html")
        self.page.wait_for_function("() => window.verify !== undefined")

    def call(self, name: str, *args: Any) -> Any:
        return self.call_many(name, [list(args)])[0]

    def call_many(self, name: str, calls: list[list[Any]]) -> list[Any]:
        result: list[Any] = self.page.evaluate(_CALL_MANY, [name, calls])
        return result


@pytest.fixture
def verify_js(web_page: WebPage, loopback_server: LoopbackServer) -> VerifyJs:
    """verify.js, served from the package's static assets, loaded in a guarded page."""
    return VerifyJs(web_page, loopback_server)
