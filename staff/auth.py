"""Logging in and out, who is logged in, and the role check (blueprint ``auth``).

Sessions live on the server (``medewerker_sessies``); the signed Flask cookie only
carries a random token, which Flask-Login keeps as the user id.
"""
from __future__ import annotations

from datetime import timedelta
from functools import wraps
from typing import Optional
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from staff import accounts
from staff.db import get_db, new_session, transaction
from staff.forms import LoginForm
from staff.models import StaffUser, audit

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.inloggen"
login_manager.login_message = "Log in om deze pagina te zien."
login_manager.login_message_category = "info"
login_manager.session_protection = None  # the server-side session check does this job


class CurrentUser(UserMixin):
    def __init__(self, token: str, user: StaffUser) -> None:
        self.token = token
        self.user_id = user.id
        self.name = user.gebruikersnaam
        self.role = user.rol

    def get_id(self) -> str:  # Flask-Login keeps this in the cookie: the session token
        return self.token

    @property
    def is_beheerder(self) -> bool:
        return self.role == "beheerder"

    def may_export_contact(self) -> bool:
        return self.is_beheerder


def idle() -> timedelta:
    return timedelta(minutes=current_app.config["IDLE_MINUTES"])


@login_manager.user_loader
def load_user(token: str) -> Optional[CurrentUser]:
    lifetime = timedelta(hours=current_app.config["SESSION_HOURS"])
    with new_session() as database, database.begin():
        row, expired = accounts.load_session(database, token, idle(), lifetime)
        if expired:
            g.session_expired = True
        return CurrentUser(token, row.medewerker) if row else None


@login_manager.unauthorized_handler
def unauthorized():
    if g.get("session_expired"):
        session.clear()
        flash("Je sessie is verlopen omdat je een tijd niets deed. Log opnieuw in.", "info")
    else:
        flash(login_manager.login_message, "info")
    # Back to the page after login; a form that was being sent is not sent again.
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.inloggen", volgende=target))


def beheerder_only(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_beheerder:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.route("/inloggen", methods=["GET", "POST"])
def inloggen():
    if current_user.is_authenticated:
        return redirect(url_for("signalen.lijst"))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        database = get_db()
        with transaction(database):
            result = accounts.authenticate(database, form.gebruikersnaam.data,
                                           form.wachtwoord.data, request.remote_addr or "")
            token = accounts.start_session(database, result.user) if result.user else None
            accounts.purge_expired(database, idle())  # housekeeping: forgotten sessions
        if token:
            session.clear()  # a new session: nothing from before the login survives
            login_user(CurrentUser(token, result.user))
            return redirect(safe_next(request.args.get("volgende")))
        status = 429 if result.wait else 401
        if result.wait:
            minutes = max(1, round(result.wait.total_seconds() / 60))
            error = (f"Te veel mislukte pogingen. Probeer het over {minutes} "
                     f"{'minuut' if minutes == 1 else 'minuten'} opnieuw.")
        else:
            error = "De gebruikersnaam of het wachtwoord klopt niet."
    elif request.method == "POST":
        status = 400
    return render_template("inloggen.html", form=form, error=error), status


@bp.post("/uitloggen")
@login_required
def uitloggen():
    database = get_db()
    with transaction(database):
        accounts.end_session(database, current_user.token)
        audit(database, current_user.name, "uitgelogd")
    logout_user()
    session.clear()
    flash("Je bent uitgelogd.", "info")
    return redirect(url_for("auth.inloggen"))


def safe_next(target: Optional[str]) -> str:
    """Only a path on this site: never send someone on to another site after login.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    `/<TAB>/evil.example` would become `//evil.example`: anything but plain printable
    characters is refused, and so are `//`, backslashes and schemes.
    """
    if is_local_path(target):
        return target
    return url_for("signalen.lijst")


def is_local_path(target: Optional[str]) -> bool:
    if not target or len(target) > 2000 or not target.startswith("/"):
        return False
    if any(ch.isspace() or not ch.isprintable() for ch in target):
        return False  # control characters, CR/LF, tabs, any (Unicode) whitespace
    if target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
