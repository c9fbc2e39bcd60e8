"""The staff web application (Flask): log in, review signals, change their status, export.

Every page but the login and the health check needs a session. Sessions live on the
server (``medewerker_sessies``); the signed Flask cookie only carries a random token.
"""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import wraps
from typing import Optional
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from wtforms import IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from staff import accounts, inzichten, queries, workflow
from staff.charts import bar_chart
from staff.models import ROLES, AuditEntry, StaffUser, audit
from wijkveiligheid.models import now, retention_days, set_retention_days
from wijkveiligheid.settings import ROOT, settings
from wijkveiligheid.storage import database_url, engine_for

SECRET_FILE = ROOT / "var" / "staff-secret-key"


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


# -- forms (Flask-WTF: each carries a CSRF token) -------------------------------
class LoginForm(FlaskForm):
    gebruikersnaam = StringField("Gebruikersnaam", validators=[
        DataRequired("Vul je gebruikersnaam in.")])
    wachtwoord = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in.")])


class StatusForm(FlaskForm):
    status = SelectField("Nieuwe status", validate_choice=False)
    notitie = TextAreaField("Notitie")


class NewUserForm(FlaskForm):
    gebruikersnaam = StringField("Gebruikersnaam", validators=[
        DataRequired("Vul een gebruikersnaam in.")])
    rol = SelectField("Rol", choices=[(r, r) for r in ROLES], validate_choice=False)
    wachtwoord = PasswordField("Wachtwoord (minstens 12 tekens)", validators=[
        DataRequired("Vul een wachtwoord in.")])
    herhaal = PasswordField("Herhaal het wachtwoord", validators=[
        DataRequired("Herhaal het wachtwoord.")])


class RetentionForm(FlaskForm):
    dagen = IntegerField("Bewaartermijn in dagen", validators=[
        NumberRange(min=30, max=3650, message="Kies een termijn van 30 tot 3650 dagen.")])


class ButtonForm(FlaskForm):
    """A form with only a button (log out, (de)activate, show contact): just the CSRF token."""


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

    sessions = sessionmaker(engine_for(app.config["DATABASE_URL"]), future=True,
                            expire_on_commit=False)
    idle = timedelta(minutes=app.config["IDLE_MINUTES"])
    lifetime = timedelta(hours=app.config["SESSION_HOURS"])
    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "inloggen"
    login.login_message = "Log in om deze pagina te zien."
    login.login_message_category = "info"
    login.session_protection = None  # the server-side session check does this job

    def db():
        if "db" not in g:
            g.db = sessions()
        return g.db

    @app.teardown_appcontext
    def close_db(_error):
        database = g.pop("db", None)
        if database is not None:
            database.close()

    @login.user_loader
    def load_user(token: str) -> Optional[CurrentUser]:
        with sessions() as database, database.begin():
            row, expired = accounts.load_session(database, token, idle, lifetime)
            if expired:
                g.session_expired = True
            return CurrentUser(token, row.medewerker) if row else None

    @login.unauthorized_handler
    def unauthorized():
        if g.get("session_expired"):
            session.clear()
            flash("Je sessie is verlopen omdat je een tijd niets deed. Log opnieuw in.", "info")
        else:
            flash(login.login_message, "info")
        # Back to the page after login; a form that was being sent is not sent again.
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("inloggen", volgende=target))

    def beheerder_only(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.is_beheerder:
                abort(403)
            return view(*args, **kwargs)
        return wrapped

    @app.after_request
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

    @app.context_processor
    def helpers():
        # The logout form is only shown: formdata=None keeps it from reading the request,
        # which fails again on a too-large body and would hide the 413 page.
        return {"topic_name": queries.topic_name, "local": queries.local,
                "logout_form": ButtonForm(formdata=None), "STATUSES": workflow.STATUSES}

    @app.template_filter("datum")
    def datum(moment: Optional[datetime]) -> str:
        return queries.local(moment).strftime("%d-%m-%Y %H:%M") if moment else ""

    # -- pages ------------------------------------------------------------------
    @app.get("/gezond")
    def gezond():
        db().execute(select(1))
        return {"status": "ok"}

    @app.route("/inloggen", methods=["GET", "POST"])
    def inloggen():
        if current_user.is_authenticated:
            return redirect(url_for("signalen"))
        form = LoginForm()
        error = None
        status = 200
        if form.validate_on_submit():
            database = db()
            with transaction(database):
                result = accounts.authenticate(database, form.gebruikersnaam.data,
                                               form.wachtwoord.data, request.remote_addr or "")
                token = accounts.start_session(database, result.user) if result.user else None
                accounts.purge_expired(database, idle)  # housekeeping: forgotten sessions
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

    @app.post("/uitloggen")
    @login_required
    def uitloggen():
        database = db()
        with transaction(database):
            accounts.end_session(database, current_user.token)
            audit(database, current_user.name, "uitgelogd")
        logout_user()
        session.clear()
        flash("Je bent uitgelogd.", "info")
        return redirect(url_for("inloggen"))

    @app.get("/")
    @login_required
    def start():
        return redirect(url_for("signalen"))

    @app.get("/signalen")
    @login_required
    def signalen():
        signal_filter = queries.SignalFilter.parse(request.args)
        page = max(1, request.args.get("pagina", 1, type=int) or 1)
        total, rows = 0, []
        if not signal_filter.errors:
            total = queries.count(db(), signal_filter)
            rows = queries.find(db(), signal_filter, page)
        pages = max(1, -(-total // queries.PAGE_SIZE))
        params = signal_filter.as_params()
        return render_template(
            "signalen.html", filter=signal_filter, rows=rows, total=total, page=page,
            pages=pages, query=lambda **extra: urlencode({**params, **extra}),
            topics=queries.topic_names(), gebieden=queries.gebieden(),
            wijken=queries.wijken_per_gebied(),
            roles=queries.REPORTER_ROLES), 400 if signal_filter.errors else 200

    @app.get("/signalen/export.csv")
    @login_required
    def export():
        signal_filter = queries.SignalFilter.parse(request.args)
        if signal_filter.errors:
            return render_template("fout.html", title="Export niet gelukt",
                                   message=" ".join(signal_filter.errors)), 400
        with_contact = request.args.get("contact") == "1"
        if with_contact and not current_user.may_export_contact():
            abort(403)
        database = db()
        with transaction(database):
            rows = queries.find(database, signal_filter, page_size=None)
            used = ", ".join(sorted(signal_filter.as_params())) or "geen"
            audit(database, current_user.name, "export",
                  f"{len(rows)} signalen, {'met' if with_contact else 'zonder'} contact, "
                  f"filters: {used}")
        body = "\ufeff" + queries.csv_text(rows, with_contact)  # BOM: Excel reads UTF-8
        name = f"signalen-{now():%Y%m%d-%H%M}.csv"
        return Response(body, mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def detail_page(reference: str, form: Optional[StatusForm] = None, error: str = "",
                    show_contact: bool = False, status: int = 200):
        signal = queries.by_reference(db(), reference)
        if signal is None:
            abort(404)
        form = form or StatusForm()
        form.status.choices = [("", "Status niet veranderen (alleen notitie)")] + [
            (s, s) for s in workflow.allowed_next(signal.status)]
        history = db().execute(select(AuditEntry).where(
            AuditEntry.signaal_referentie == reference).order_by(AuditEntry.id.desc())).scalars()
        return render_template("signaal.html", signal=signal, form=form, error=error,
                               notes=list(reversed(signal.notities)), history=list(history),
                               show_contact=show_contact, contact_form=ButtonForm()), status

    @app.get("/signalen/<reference>")
    @login_required
    def signaal(reference: str):
        return detail_page(reference)

    @app.post("/signalen/<reference>/status")
    @login_required
    def status_wijzigen(reference: str):
        form = StatusForm()
        database = db()
        signal = queries.by_reference(database, reference)
        if signal is None:
            abort(404)
        try:
            with transaction(database):
                workflow.change(database, signal, form.status.data, form.notitie.data,
                                current_user.name)
        except workflow.WorkflowError as error:
            return detail_page(reference, form, str(error), status=400)
        flash("De wijziging is opgeslagen.", "succes")
        return redirect(url_for("signaal", reference=reference))

    @app.post("/signalen/<reference>/contact")
    @login_required
    def contact_tonen(reference: str):
        database = db()
        signal = queries.by_reference(database, reference)
        if signal is None:
            abort(404)
        with transaction(database):
            audit(database, current_user.name, "contact bekeken", "", reference)
        return detail_page(reference, show_contact=True)

    @app.get("/overzicht")
    @login_required
    def overzicht():
        database = db()
        charts = [
            ("per-onderwerp", "Signalen per onderwerp", "Onderwerp",
             bar_chart(queries.per_topic(database))),
            ("per-gebied", "Signalen per gebied", "Gebied",
             bar_chart(queries.per_gebied(database))),
            ("per-week", "Signalen per week (laatste 12 weken)", "Week",
             bar_chart(queries.per_week(database))),
            ("werkvoorraad", "Open werkvoorraad per status", "Status",
             bar_chart(queries.workload(database))),
        ]
        return render_template("overzicht.html", charts=charts)

    # -- beheer -------------------------------------------------------------------
    def beheer_page(user_form=None, retention_form=None, error="", status=200):
        database = db()
        users = database.execute(select(StaffUser).order_by(StaffUser.gebruikersnaam)).scalars()
        days = retention_days(database)
        retention_form = retention_form or RetentionForm(
            dagen=days or settings().retention_days)
        return render_template("beheer.html", users=list(users), user_form=user_form or
                               NewUserForm(), retention_form=retention_form, error=error,
                               days=days, button=ButtonForm()), status

    @app.get("/beheer")
    @beheerder_only
    def beheer():
        return beheer_page()

    @app.post("/beheer/gebruikers")
    @beheerder_only
    def gebruiker_aanmaken():
        form = NewUserForm()
        if not form.validate_on_submit():
            return beheer_page(user_form=form, error="Vul alle velden in.", status=400)
        if form.wachtwoord.data != form.herhaal.data:
            return beheer_page(user_form=form, error="De wachtwoorden zijn niet gelijk.",
                               status=400)
        database = db()
        try:
            with transaction(database):
                accounts.create_user(database, form.gebruikersnaam.data, form.wachtwoord.data,
                                     form.rol.data, current_user.name)
        except accounts.AccountError as error:
            return beheer_page(user_form=form, error=str(error), status=400)
        flash("Het account is aangemaakt.", "succes")
        return redirect(url_for("beheer"))

    @app.post("/beheer/gebruikers/<int:user_id>/actief")
    @beheerder_only
    def gebruiker_actief(user_id: int):
        ButtonForm()  # the CSRF check ran already (CSRFProtect); nothing else to read
        database = db()
        user = database.get(StaffUser, user_id)
        if user is None:
            abort(404)
        if user.id == current_user.user_id:
            return beheer_page(error="Je kunt je eigen account niet uitzetten.", status=400)
        with transaction(database):
            accounts.set_active(database, user, not user.actief, current_user.name)
        flash(f"Account {user.gebruikersnaam} staat nu {'aan' if user.actief else 'uit'}.",
              "succes")
        return redirect(url_for("beheer"))

    @app.post("/beheer/bewaartermijn")
    @beheerder_only
    def bewaartermijn():
        form = RetentionForm()
        if not form.validate_on_submit():
            message = "; ".join(form.dagen.errors) or "Vul een aantal dagen in."
            if "Not a valid integer value." in form.dagen.errors:
                message = "Vul een heel getal in, bijvoorbeeld 365."
            return beheer_page(retention_form=form, error=message, status=400)
        database = db()
        with transaction(database):
            set_retention_days(database, form.dagen.data)
            audit(database, current_user.name, "bewaartermijn", f"{form.dagen.data} dagen")
        flash(f"De bewaartermijn is nu {form.dagen.data} dagen.", "succes")
        return redirect(url_for("beheer"))

    @app.get("/beheer/auditlog")
    @beheerder_only
    def auditlog():
        entries = db().execute(select(AuditEntry).order_by(AuditEntry.id.desc())
                               .limit(200)).scalars()
        return render_template("auditlog.html", entries=list(entries))

    app.register_blueprint(inzichten.blueprint)  # /inzichten: question counts

    # -- errors ---------------------------------------------------------------------
    for error, (status, title, message) in ERROR_PAGES.items():
        app.register_error_handler(error, error_page(status, title, message))

    return app


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


@contextmanager
def transaction(database):
    """Commits what the block did, or undoes all of it."""
    try:
        yield
        database.commit()
    except Exception:
        database.rollback()
        raise


def safe_next(target: Optional[str]) -> str:
    """Only a path on this site: never send someone on to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("signalen")
