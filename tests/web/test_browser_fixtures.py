"""The shared browser fixtures catch what they promise to catch (so a clean page means clean)."""

from __future__ import annotations

import pytest

from tests.web.conftest import LoopbackServer, WebPage

PAGE = (
    '<!doctype html><html lang="en"><head><title>t</title></head>'
    "<body><main>ok</main></body></html>"
)


def test_a_plain_page_on_the_loopback_origin_is_clean(
    web_page: WebPage, loopback_server: LoopbackServer
) -> None:
    loopback_server.add("/index.html", PAGE, "text/html; charset=utf-8")
    page = web_page.goto("/index.html")
    assert page.text_content("main") == "ok"
    assert loopback_server.origin.startswith("http://127.0.0.1:")
    assert "/index.html" in loopback_server.requests
    web_page.assert_clean()


def test_the_origin_guard_records_and_blocks_a_request_to_another_origin(
    web_page: WebPage, loopback_server: LoopbackServer
) -> None:
    loopback_server.add("/index.html", PAGE, "text/html; charset=utf-8")
    page = web_page.goto("/index.html")
    outcome = page.evaluate(
        "() => fetch('http://cdn.example.invalid/lib.js').then(() => 'loaded', () => 'blocked')"
    )
    assert outcome == "blocked"
    with pytest.raises(AssertionError, match="requests outside"):
        web_page.assert_clean()
    off_origin, _console = web_page.take_problems()
    assert off_origin == ["http://cdn.example.invalid/lib.js"]


def test_the_collector_records_console_errors_and_uncaught_exceptions(
    web_page: WebPage, loopback_server: LoopbackServer
) -> None:
    loopback_server.add("/index.html", PAGE, "text/html; charset=utf-8")
    page = web_page.goto("/index.html")
    page.evaluate("() => console.error('broken chart')")
    page.evaluate("() => setTimeout(() => { throw new Error('boom'); }, 0)")
    page.wait_for_timeout(100)
    off_origin, console = web_page.take_problems()
    assert off_origin == []
    assert "broken chart" in console
    assert any("boom" in line for line in console)


def test_the_static_assets_are_served_from_the_package(
    web_page: WebPage, loopback_server: LoopbackServer
) -> None:
    page = web_page.goto("/static/verify.js")
    assert "export async function verifyCheckpoint" in page.content()
    missing = page.request.get(loopback_server.url("/static/../conftest.py"))
    assert missing.status == 404
