"""The demo website with the chat widget: a plain municipal page, served by `make run`.

Only the files in `widget/` listed in PAGES are served. Every answer carries security
headers; the Content-Security-Policy lets the page talk to itself and to the Rasa server
only. The Rasa URL comes from --rasa-url or RASA_URL, so tests can use any port.
The HTML pages share one header, `widget/header.html`, filled in when a page is served.

    python -m servers.website --port 8000 --rasa-url http://localhost:5005
"""
from __future__ import annotations

import argparse
import html
import sys
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import Dict, Tuple
from urllib.parse import urlsplit

from wijkveiligheid.settings import settings

WIDGET_DIR = Path(__file__).resolve().parent.parent / "widget"

# URL path -> (file in widget/, content type)
PAGES: Dict[str, Tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/privacy": ("privacy.html", "text/html; charset=utf-8"),
    "/chat-widget.js": ("chat-widget.js", "text/javascript; charset=utf-8"),
    "/chat-widget.css": ("chat-widget.css", "text/css; charset=utf-8"),
    "/site.css": ("site.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}

# The HTML pages are string.Template texts: $site_header is the header (with the menu link
# of the page shown marked aria-current) and $rasa_url the Rasa URL. $$ writes a "$".
HEADER = "header.html"
MENU = {"/": "current_home", "/privacy": "current_privacy"}  # URL path -> name in HEADER

NOT_FOUND = ("<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\">"
             "<title>Pagina niet gevonden</title></head><body><main><h1>Pagina niet gevonden"
             "</h1><p><a href=\"/\">Naar de startpagina</a></p></main></body></html>")


def origin(url: str) -> str:
    """scheme://host[:port] of an http(s) URL; anything else is refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        raise ValueError(f"Geen geldige http(s)-URL voor de Rasa-server: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(rasa_url: str) -> Dict[str, str]:
    return {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            f"connect-src 'self' {origin(rasa_url)}; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "no-cache",
    }


def render_page(name: str, path: str, rasa_url: str) -> str:
    """An HTML page of widget/ with the shared header and the Rasa URL filled in."""
    current = {key: ' aria-current="page"' if menu_path == path else ""
               for menu_path, key in MENU.items()}
    header = Template((WIDGET_DIR / HEADER).read_text(encoding="utf-8")).substitute(current)
    page = Template((WIDGET_DIR / name).read_text(encoding="utf-8"))
    return page.substitute(site_header=header.rstrip("\n"), rasa_url=html.escape(rasa_url))


class Handler(BaseHTTPRequestHandler):
    def version_string(self) -> str:
        return "website"  # no Python version for attackers to read

    def __init__(self, *args, rasa_url: str, **kwargs) -> None:
        self.rasa_url = rasa_url
        self.headers_to_send = security_headers(rasa_url)
        super().__init__(*args, **kwargs)

    def body_for(self, path: str) -> Tuple[int, str, bytes]:
        if path == "/health":
            return 200, "text/plain; charset=utf-8", b"ok"
        if path not in PAGES:
            return 404, "text/html; charset=utf-8", NOT_FOUND.encode()
        name, content_type = PAGES[path]
        if content_type.startswith("text/html"):
            return 200, content_type, render_page(name, path, self.rasa_url).encode()
        return 200, content_type, (WIDGET_DIR / name).read_bytes()

    def answer(self, with_body: bool) -> None:
        status, content_type, data = self.body_for(urlsplit(self.path).path)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def do_GET(self) -> None:
        self.answer(with_body=True)

    def do_HEAD(self) -> None:
        self.answer(with_body=False)

    def log_message(self, format: str, *args) -> None:
        # Privacy: no client IP address and no query string in the log.
        if args and isinstance(args[0], str):
            request = args[0].split("?")[0]
            args = (request,) + args[1:]
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")


def make_server(port: int, rasa_url: str, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    origin(rasa_url)  # refuse a bad URL at start, not on the first request
    return ThreadingHTTPServer((host, port), partial(Handler, rasa_url=rasa_url))


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve the demo page with the chat widget.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url", default=settings().rasa_url,
                        help="where the widget reaches Rasa (default: $RASA_URL)")
    args = parser.parse_args()
    server = make_server(args.port, args.rasa_url, args.host)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
