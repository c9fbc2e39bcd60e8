"""The staff web application (Flask): an application factory that wires the blueprints.

    auth      logging in and out (staff/auth.py)
    signalen  the list, one signal, export, overview (staff/signalen.py)
    beheer    accounts, retention, audit log (staff/beheer.py)

Every page but the login and the health check needs a session. Database sessions are
in staff/db.py; what a request may see and do is in the blueprints.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from typing import Optional

from flask import Flask, Response, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select

from staff import auth, beheer, db, inzichten, queries, signalen, workflow
from staff.forms import ButtonForm
from wijkveiligheid.settings import ROOT, settings
from wijkveiligheid.storage import database_url

SECRET_FILE = ROOT / "var" / "staff-secret-key"


def create_app(config: Optional[dict] = None) -> Flask:
    current = settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=None,
        DATABASE_URL=None,
        IDLE_MINUTES=current.staff_idle_minutes,
        SESSION_HOURS=10,
        SESSION_COOKIE_NAME="medewerker_sessie",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=current.staff_https,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (server-side) session
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.update(config or {})
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or secret_key()
    app.config["DATABASE_URL"] = app.config["DATABASE_URL"] or database_url()
    app.session_interface = SessionCookies()
    if current.staff_behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    db.init_app(app)
    CSRFProtect(app)
    auth.login_manager.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(signalen.bp)
    app.register_blueprint(beheer.bp)
    app.register_blueprint(inzichten.blueprint)  # /inzichten: question counts

    app.after_request(security_headers)
    app.context_processor(template_helpers)
    app.add_template_filter(datum)
    app.add_url_rule("/gezond", "gezond", gezond)
    for error, (status, title, message) in ERROR_PAGES.items():
        app.register_error_handler(error, error_page(status, title, message))
    return app


def secret_key() -> str:
    """STAFF_SECRET_KEY, or for a local `make run` a key kept in var/ (made once)."""
    key = settings().staff_secret_key
    if key:
        return key
    if not SECRET_FILE.exists():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return SECRET_FILE.read_text().strip()


class SessionCookies(SecureCookieSessionInterface):
    """The cookie gets Secure whenever the page is served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]
                    or (has_request_context() and request.is_secure))


def gezond():
    db.get_db().execute(select(1))
    return {"status": "ok"}


def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # Not no-referrer: over HTTPS Flask-WTF checks that a form post came from this site.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"  # pages hold personal data
    return response


def template_helpers() -> dict:
    # The logout form is only shown: formdata=None keeps it from reading the request,
    # which fails again on a too-large body and would hide the 413 page.
    return {"topic_name": queries.topic_name, "local": queries.local,
            "logout_form": ButtonForm(formdata=None), "STATUSES": workflow.STATUSES}


def datum(moment: Optional[datetime]) -> str:
    return queries.local(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


# error (HTTP status or exception class) -> (status, title, message) of the page shown
ERROR_PAGES = {
    CSRFError: (400, "Formulier verlopen", "Dit formulier is verlopen of niet geldig. Laad "
                "de pagina opnieuw en probeer het nog eens."),
    403: (403, "Geen toegang", "Je rol geeft geen toegang tot deze pagina of deze gegevens."),
    404: (404, "Niet gevonden", "Deze pagina of dit signaal bestaat niet (meer)."),
    413: (413, "Te veel tekst", "Het formulier bevat te veel tekst."),
    500: (500, "Er ging iets mis", "Er ging iets mis aan onze kant. Probeer het later opnieuw."),
}


def error_page(status: int, title: str, message: str):
    """An error handler that shows fout.html with this title and message."""
    def handler(_error):
        return render_template("fout.html", title=title, message=message), status
    return handler
