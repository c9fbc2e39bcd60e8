"""Accounts, the retention period and the whole audit log, for beheerders only
(blueprint ``beheer``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from staff import accounts
from staff.auth import beheerder_only
from staff.db import get_db, transaction
from staff.forms import ButtonForm, NewUserForm, RetentionForm
from staff.models import AuditEntry, StaffUser, audit
from wijkveiligheid.models import retention_days, set_retention_days
from wijkveiligheid.settings import settings

bp = Blueprint("beheer", __name__, url_prefix="/beheer")


def beheer_page(user_form=None, retention_form=None, error="", status=200):
    database = get_db()
    users = database.execute(select(StaffUser).order_by(StaffUser.gebruikersnaam)).scalars()
    days = retention_days(database)
    retention_form = retention_form or RetentionForm(dagen=days or settings().retention_days)
    return render_template("beheer.html", users=list(users), user_form=user_form or
                           NewUserForm(), retention_form=retention_form, error=error,
                           days=days, button=ButtonForm()), status


@bp.get("")
@beheerder_only
def beheer():
    return beheer_page()


@bp.post("/gebruikers")
@beheerder_only
def gebruiker_aanmaken():
    form = NewUserForm()
    if not form.validate_on_submit():
        return beheer_page(user_form=form, error="Vul alle velden in.", status=400)
    if form.wachtwoord.data != form.herhaal.data:
        return beheer_page(user_form=form, error="De wachtwoorden zijn niet gelijk.",
                           status=400)
    database = get_db()
    try:
        with transaction(database):
            accounts.create_user(database, form.gebruikersnaam.data, form.wachtwoord.data,
                                 form.rol.data, current_user.name)
    except accounts.AccountError as error:
        return beheer_page(user_form=form, error=str(error), status=400)
    flash("Het account is aangemaakt.", "succes")
    return redirect(url_for("beheer.beheer"))


@bp.post("/gebruikers/<int:user_id>/actief")
@beheerder_only
def gebruiker_actief(user_id: int):
    ButtonForm()  # the CSRF check ran already (CSRFProtect); nothing else to read
    database = get_db()
    user = database.get(StaffUser, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.user_id:
        return beheer_page(error="Je kunt je eigen account niet uitzetten.", status=400)
    with transaction(database):
        accounts.set_active(database, user, not user.actief, current_user.name)
    flash(f"Account {user.gebruikersnaam} staat nu {'aan' if user.actief else 'uit'}.",
          "succes")
    return redirect(url_for("beheer.beheer"))


@bp.post("/bewaartermijn")
@beheerder_only
def bewaartermijn():
    form = RetentionForm()
    if not form.validate_on_submit():
        message = "; ".join(form.dagen.errors) or "Vul een aantal dagen in."
        if "Not a valid integer value." in form.dagen.errors:
            message = "Vul een heel getal in, bijvoorbeeld 365."
        return beheer_page(retention_form=form, error=message, status=400)
    database = get_db()
    with transaction(database):
        set_retention_days(database, form.dagen.data)
        audit(database, current_user.name, "bewaartermijn", f"{form.dagen.data} dagen")
    flash(f"De bewaartermijn is nu {form.dagen.data} dagen.", "succes")
    return redirect(url_for("beheer.beheer"))


@bp.get("/auditlog")
@beheerder_only
def auditlog():
    entries = get_db().execute(select(AuditEntry).order_by(AuditEntry.id.desc())
                               .limit(200)).scalars()
    return render_template("auditlog.html", entries=list(entries))
