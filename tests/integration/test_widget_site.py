"""The demo website (servers/website.py) as a real process: what it serves and its headers."""
from __future__ import annotations

from typing import Iterator

import pytest
import requests

from servers.runner import Server, free_port, running, widget_server
from servers.website import make_server, security_headers
from tests.conftest import LOGS

RASA = "http://127.0.0.1:5999"


@pytest.fixture(scope="module")
def website() -> Iterator[Server]:
    server = widget_server(free_port(), rasa_url=RASA)
    with running([server], LOGS, timeout=60):
        yield server


def get(server: Server, path: str) -> requests.Response:
    base = server.health_url.rsplit("/health", 1)[0]
    return requests.get(base + path, timeout=10)


@pytest.mark.parametrize("path,kind", [
    ("/", "text/html"), ("/privacy", "text/html"), ("/chat-widget.js", "text/javascript"),
    ("/chat-widget.css", "text/css"), ("/site.css", "text/css"),
    ("/favicon.svg", "image/svg+xml"),
])
def test_pages_are_served_with_security_headers(website, path, kind):
    response = get(website, path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(kind)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self';" in csp
    assert f"connect-src 'self' {RASA};" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_the_demo_page_embeds_the_widget_with_the_configured_rasa_url(website):
    page = get(website, "/").text
    assert '<html lang="nl">' in page
    assert f'data-server="{RASA}"' in page and "$" not in page  # every placeholder filled in
    assert '<script src="/chat-widget.js"' in page
    assert "http" not in page.replace(RASA, "")  # nothing loaded from elsewhere
    assert '<link rel="icon" href="/favicon.svg"' in page
    # The on-screen keyboard shrinks the page, so the chat's input row stays in view.
    assert "interactive-widget=resizes-content" in page


MENU = {"/": "Veiligheid", "/privacy": "Privacy"}


@pytest.mark.parametrize("path", MENU)
def test_both_pages_have_the_one_header_with_their_own_menu_link_marked(website, path):
    page = get(website, path).text
    assert page.count('<header class="site-header">') == 1 and "$" not in page
    assert page.index('<a class="skip" href="#inhoud">') < page.index('<main id="inhoud"')
    for link, label in MENU.items():
        current = ' aria-current="page"' if link == path else ""
        assert f'<a href="{link}"{current}>{label}</a>' in page
    assert page.count("aria-current") == 1


@pytest.mark.parametrize("path", [
    "/index.html", "/header.html", "/../servers/runner.py", "/%2e%2e/pyproject.toml",
    "/widget/server.py", "/chat-widget.js/../../pyproject.toml", "/nope",
])
def test_only_listed_files_are_served(website, path):
    response = get(website, path)
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_health(website):
    assert get(website, "/health").text == "ok"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "localhost:5005", "ftp://x",
                                 "http://user@evil.example", ""])
def test_a_bad_rasa_url_is_refused_at_start(url):
    with pytest.raises(ValueError, match="Geen geldige"):
        make_server(free_port(), url)


def test_the_rasa_origin_in_the_policy_drops_the_path():
    csp = security_headers("https://chat.rotterdam.example/rasa/")["Content-Security-Policy"]
    assert "connect-src 'self' https://chat.rotterdam.example;" in csp


def test_a_quote_in_the_rasa_url_cannot_break_out_of_the_attribute(tmp_path):
    server = widget_server(free_port(), rasa_url='http://127.0.0.1:5999/"><script>x</script>')
    with running([server], LOGS, timeout=60):
        page = get(server, "/").text
    assert "<script>x</script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page
