"""The signals: the list with its filters, one signal, its workflow, export and the
overview charts (blueprint ``signalen``)."""
from __future__ import annotations

import io
from typing import Optional
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from staff import queries, triage, workflow
from staff.auth import is_local_path
from staff.charts import bar_chart, column_chart
from staff.db import get_db, transaction
from staff.export import export_csv
from staff.forms import BulkStatusForm, ButtonForm, StatusForm
from staff.models import AuditEntry, StaffUser, audit
from wijkveiligheid.models import PRIORITIES, STATUSES, Signal, now

bp = Blueprint("signalen", __name__)
MAX_BULK = 100  # one list page holds 25


@bp.get("/")
@login_required
def start():
    return redirect(url_for("signalen.lijst"))


def list_filter(values) -> queries.SignalFilter:
    """The list's filter from a query string: open signals unless a status is chosen."""
    values = {key: values.get(key) for key in values}
    values.setdefault("status", "open")
    signal_filter = queries.SignalFilter.parse(values)
    signal_filter.gebruiker = current_user.name
    return signal_filter


def list_url(signal_filter: queries.SignalFilter, **extra) -> str:
    return url_for("signalen.lijst", **{**signal_filter.as_params(), **extra})


@bp.get("/signalen")
@login_required
def lijst():
    signal_filter = list_filter(request.args)
    page, total, rows = 1, 0, []
    if not signal_filter.errors:
        total = queries.count(get_db(), signal_filter)
        pages = max(1, -(-total // queries.PAGE_SIZE))
        page, error = queries.page_number(request.args.get("pagina"), pages)
        if error:
            signal_filter.errors.append(error)
        else:
            rows = queries.find(get_db(), signal_filter, page)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    params = signal_filter.as_params()
    bulk = BulkStatusForm(prefix="bulk")
    bulk.status.choices = [("", "Kies een status")] + [(s, s) for s in STATUSES]
    return render_template(
        "signalen.html", filter=signal_filter, rows=rows, total=total, page=page,
        pages=pages, query=lambda **extra: urlencode({**params, **extra}),
        params=params, bulk=bulk, filters_active=bool(
            set(params) - {"sorteer", "richting"} - ({"status"} if signal_filter.status ==
                                                      "open" else set())),
        topics=queries.topic_names(), gebieden=queries.gebieden(),
        wijken=queries.wijken_per_gebied(), priorities=PRIORITIES,
        roles=queries.REPORTER_ROLES), 400 if signal_filter.errors else 200


@bp.post("/signalen/status")
@login_required
def status_bulk():
    """The same status change for the selected rows: all of them, or none."""
    form = BulkStatusForm(prefix="bulk")
    back = request.form.get("terug", "")
    back = back if is_local_path(back) else url_for("signalen.lijst")
    chosen = request.form.getlist("referentie")
    if len(chosen) > MAX_BULK:
        flash(f"Kies hoogstens {MAX_BULK} signalen tegelijk. Er is niets gewijzigd.", "fout")
        return redirect(back)
    if not chosen:
        flash("Kies eerst een of meer signalen.", "fout")
        return redirect(back)
    database = get_db()
    problems = []
    try:
        with transaction(database):
            for reference in chosen:
                signal = queries.by_reference(database, reference)
                if signal is None:
                    problems.append(f"{reference[:20]}: bestaat niet (meer).")
                    continue
                try:
                    workflow.change(database, signal, form.status.data or None,
                                    form.notitie.data, current_user.name)
                except workflow.WorkflowError as error:
                    problems.append(f"{reference}: {error}")
            if problems:
                raise workflow.WorkflowError(" ".join(problems))
    except workflow.WorkflowError:
        flash("Niets gewijzigd. " + " ".join(problems), "fout")
        return redirect(back)
    flash(f"De wijziging is opgeslagen voor {len(chosen)} "
          f"{'signaal' if len(chosen) == 1 else 'signalen'}.", "succes")
    return redirect(back)


@bp.get("/signalen/export.csv")
@login_required
def export():
    signal_filter = queries.SignalFilter.parse(request.args)
    signal_filter.gebruiker = current_user.name  # for "mijn signalen"
    if signal_filter.errors:
        return render_template("fout.html", title="Export niet gelukt",
                               message=" ".join(signal_filter.errors)), 400
    with_contact = request.args.get("contact") == "1"
    if with_contact and not current_user.may_export_contact():
        abort(403)
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel reads UTF-8
    database = get_db()
    with transaction(database):
        export_csv(database, signal_filter, out, with_contact, current_user.name)
    name = f"signalen-{now():%Y%m%d-%H%M}.csv"
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def detail_page(reference: str, form: Optional[StatusForm] = None, error: str = "",
                show_contact: bool = False, status: int = 200, triage_error: str = ""):
    database = get_db()
    signal = queries.by_reference(database, reference)
    if signal is None:
        abort(404)
    form = form or StatusForm()
    form.status.choices = [("", "Status niet veranderen (alleen notitie)")] + [
        (s, s) for s in workflow.allowed_next(signal.status)]
    history = database.execute(select(AuditEntry).where(
        AuditEntry.signaal_referentie == reference).order_by(AuditEntry.id.desc())).scalars()
    # The list's filters come along: back, previous and next stay in the filtered order.
    signal_filter = list_filter(request.args)
    if signal_filter.errors:
        signal_filter = list_filter({})
    order = queries.references(database, signal_filter)
    position = order.index(reference) if reference in order else None
    params = signal_filter.as_params()

    def neighbour(step: int) -> Optional[str]:
        if position is not None and 0 <= position + step < len(order):
            return order[position + step]
        return None

    users = database.execute(select(StaffUser.gebruikersnaam).where(
        StaffUser.actief.is_(True)).order_by(StaffUser.gebruikersnaam)).scalars().all()
    duplicates = database.execute(select(Signal.referentie).where(
        Signal.duplicaat_van == signal.id).order_by(Signal.id)).scalars().all()
    original = database.get(Signal, signal.duplicaat_van) if signal.duplicaat_van else None
    return render_template(
        "signaal.html", signal=signal, form=form, error=error,
        notes=list(reversed(signal.notities)), history=list(history),
        show_contact=show_contact, contact_form=ButtonForm(), params=params,
        back=list_url(signal_filter), previous=neighbour(-1), next=neighbour(1),
        position=position, count=len(order), users=users, priorities=PRIORITIES,
        triage_error=triage_error, similar=queries.similar(database, signal),
        duplicates=duplicates, original=original, overdue=queries.is_overdue(signal),
        button=ButtonForm()), status


def back_to(reference: str):
    """The detail page again, with the list's filters it came with."""
    params = list_filter(request.args).as_params()
    return redirect(url_for("signalen.signaal", reference=reference, **params))


def signal_or_404(reference: str) -> Signal:
    signal = queries.by_reference(get_db(), reference)
    if signal is None:
        abort(404)
    return signal


@bp.get("/signalen/<reference>")
@login_required
def signaal(reference: str):
    return detail_page(reference)


@bp.post("/signalen/<reference>/status")
@login_required
def status_wijzigen(reference: str):
    form = StatusForm()
    database = get_db()
    signal = signal_or_404(reference)
    try:
        with transaction(database):
            workflow.change(database, signal, form.status.data, form.notitie.data,
                            current_user.name)
    except workflow.WorkflowError as error:
        return detail_page(reference, form, str(error), status=400)
    flash("De wijziging is opgeslagen.", "succes")
    return back_to(reference)


@bp.post("/signalen/<reference>/contact")
@login_required
def contact_tonen(reference: str):
    database = get_db()
    signal_or_404(reference)
    with transaction(database):
        audit(database, current_user.name, "contact bekeken", "", reference)
    return detail_page(reference, show_contact=True)


@bp.post("/signalen/<reference>/toewijzen")
@login_required
def toewijzen(reference: str):
    ButtonForm()  # CSRFProtect checked the token
    database = get_db()
    signal = signal_or_404(reference)
    name = (request.form.get("medewerker") or "").strip()
    if name:
        user = database.execute(select(StaffUser).where(
            StaffUser.gebruikersnaam == name, StaffUser.actief.is_(True))).scalar_one_or_none()
        if user is None:
            return detail_page(reference, triage_error="Kies een medewerker uit de lijst.",
                               status=400)
    with transaction(database):
        triage.assign(database, signal, name or None, current_user.name)
    flash(f"Toegewezen aan {name}." if name else "Niemand is nu toegewezen.", "succes")
    return back_to(reference)


def triage_step(reference: str, change, done: str):
    """One triage change on a signal in its own transaction: the detail page with the
    reason when triage refuses it, else a message and back to where the person was."""
    ButtonForm()  # CSRFProtect checked the token
    database = get_db()
    signal = signal_or_404(reference)
    try:
        with transaction(database):
            change(database, signal)
    except triage.TriageError as error:
        return detail_page(reference, triage_error=str(error), status=400)
    flash(done, "succes")
    return back_to(reference)


@bp.post("/signalen/<reference>/prioriteit")
@login_required
def prioriteit(reference: str):
    return triage_step(reference, lambda database, signal: triage.set_priority_and_deadline(
        database, signal, request.form.get("prioriteit", ""),
        request.form.get("deadline", ""), current_user.name),
        "Prioriteit en deadline zijn opgeslagen.")


@bp.post("/signalen/<reference>/dubbel")
@login_required
def dubbel(reference: str):
    other = (request.form.get("van") or "").strip()
    return triage_step(reference, lambda database, signal: triage.link_duplicate(
        database, signal, other or None, current_user.name),
        f"Gekoppeld als dubbel van {other}." if other else "De koppeling is opgeheven.")


@bp.get("/overzicht")
@login_required
def overzicht():
    database = get_db()

    def linked(rows):
        return [(label, value, url_for("signalen.lijst", **params) if params else None)
                for label, value, params in rows]

    charts = [
        ("per-onderwerp", "Signalen per onderwerp", "Onderwerp",
         bar_chart(linked(queries.per_topic(database)))),
        ("per-gebied", "Signalen per gebied", "Gebied",
         bar_chart(linked(queries.per_gebied(database)))),
        ("per-week", "Signalen per week (laatste 12 weken)", "Week",
         column_chart(linked(queries.per_week(database)))),
        ("werkvoorraad", "Open werkvoorraad per status", "Status",
         bar_chart(linked(queries.workload(database)))),
    ]
    return render_template("overzicht.html", charts=charts)
