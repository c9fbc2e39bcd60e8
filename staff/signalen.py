"""The signals: the list with its filters, one signal, its workflow, export and the
overview charts (blueprint ``signalen``)."""
from __future__ import annotations

import io
from typing import Optional
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from staff import queries, workflow
from staff.charts import bar_chart
from staff.db import get_db, transaction
from staff.export import export_csv
from staff.forms import ButtonForm, StatusForm
from staff.models import AuditEntry, audit
from wijkveiligheid.models import now

bp = Blueprint("signalen", __name__)


@bp.get("/")
@login_required
def start():
    return redirect(url_for("signalen.lijst"))


@bp.get("/signalen")
@login_required
def lijst():
    signal_filter = queries.SignalFilter.parse(request.args)
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
    return render_template(
        "signalen.html", filter=signal_filter, rows=rows, total=total, page=page,
        pages=pages, query=lambda **extra: urlencode({**params, **extra}),
        topics=queries.topic_names(), gebieden=queries.gebieden(),
        wijken=queries.wijken_per_gebied(),
        roles=queries.REPORTER_ROLES), 400 if signal_filter.errors else 200


@bp.get("/signalen/export.csv")
@login_required
def export():
    signal_filter = queries.SignalFilter.parse(request.args)
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
                show_contact: bool = False, status: int = 200):
    database = get_db()
    signal = queries.by_reference(database, reference)
    if signal is None:
        abort(404)
    form = form or StatusForm()
    form.status.choices = [("", "Status niet veranderen (alleen notitie)")] + [
        (s, s) for s in workflow.allowed_next(signal.status)]
    history = database.execute(select(AuditEntry).where(
        AuditEntry.signaal_referentie == reference).order_by(AuditEntry.id.desc())).scalars()
    return render_template("signaal.html", signal=signal, form=form, error=error,
                           notes=list(reversed(signal.notities)), history=list(history),
                           show_contact=show_contact, contact_form=ButtonForm()), status


@bp.get("/signalen/<reference>")
@login_required
def signaal(reference: str):
    return detail_page(reference)


@bp.post("/signalen/<reference>/status")
@login_required
def status_wijzigen(reference: str):
    form = StatusForm()
    database = get_db()
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
    return redirect(url_for("signalen.signaal", reference=reference))


@bp.post("/signalen/<reference>/contact")
@login_required
def contact_tonen(reference: str):
    database = get_db()
    if queries.by_reference(database, reference) is None:
        abort(404)
    with transaction(database):
        audit(database, current_user.name, "contact bekeken", "", reference)
    return detail_page(reference, show_contact=True)


@bp.get("/overzicht")
@login_required
def overzicht():
    database = get_db()
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
