"""The page /inzichten: how many questions the chat got, per week, gebied, topic and kind.

For the wijkmanager to hand to the wijkraad for the wijkakkoord. Counts only (see
wijkveiligheid/inzichten.py); a count under 5 is shown as "< 5". Filters for the period
and the gebied, a chart per topic, and a CSV export that `python -m staff inzichten`
prints the same way. Self-contained: it reads the app's DATABASE_URL and needs only
Flask-Login's login from the app.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import sessionmaker

from staff.charts import bar_chart
from wijkveiligheid import inzichten
from wijkveiligheid.models import now
from wijkveiligheid.storage import engine_for

blueprint = Blueprint("inzichten", __name__)

NO_GEBIED_CHOICE = "-"  # the filter value for "the conversation named no gebied"
DEFAULT_WEEKS = 12


def topic_names() -> Dict[str, str]:
    from staff.queries import topic_names as names

    return names()


def gebied_choices() -> List[Tuple[str, str]]:
    from wijkveiligheid.wijken import all_gebieden

    return [(g, g) for g in all_gebieden()] + [(NO_GEBIED_CHOICE, "Geen gebied genoemd")]


@dataclass
class InsightFilter:
    van: Optional[date] = None
    tot: Optional[date] = None
    gebied: str = ""
    errors: List[str] = field(default_factory=list)

    @classmethod
    def parse(cls, args: Mapping[str, str], default_weeks: int = 0) -> "InsightFilter":
        """From the page's query string or the command line; Dutch messages on errors.
        Without `van` the page shows the last `default_weeks` weeks (0: everything)."""
        found = cls()
        for name, label in (("van", "Vanaf"), ("tot", "Tot en met")):
            value = (args.get(name) or "").strip()
            if value:
                try:
                    setattr(found, name, date.fromisoformat(value))
                except ValueError:
                    found.errors.append(f"{label}: vul een datum in als jjjj-mm-dd.")
        if found.van and found.tot and found.van > found.tot:
            found.errors.append("De datum 'vanaf' ligt na 'tot en met'.")
        gebied = (args.get("gebied") or "").strip()
        if gebied and gebied not in dict(gebied_choices()):
            found.errors.append("Dit gebied bestaat niet.")
        else:
            found.gebied = gebied
        if found.van is None and default_weeks and "van" not in args:
            found.van = inzichten.local_today() - timedelta(weeks=default_weeks - 1)
        return found

    def rows(self, engine) -> List[inzichten.Row]:
        gebied = None
        if self.gebied:
            gebied = inzichten.NO_GEBIED if self.gebied == NO_GEBIED_CHOICE else self.gebied
        return inzichten.rows(engine,
                              first_week=inzichten.iso_week(self.van) if self.van else "",
                              last_week=inzichten.iso_week(self.tot) if self.tot else "",
                              gebied=gebied)

    def as_params(self) -> Dict[str, str]:
        params = {"van": self.van.isoformat() if self.van else "",
                  "tot": self.tot.isoformat() if self.tot else "", "gebied": self.gebied}
        return {k: v for k, v in params.items() if v}


def _engine():
    return engine_for(current_app.config["DATABASE_URL"])


def charts(rows: List[inzichten.Row], names: Dict[str, str]) -> list:
    """One bar chart per topic, a bar per week; a bar under 5 is drawn empty, its
    length would give the small count away."""
    result = []
    for topic, weeks in inzichten.per_topic_and_week(rows).items():
        chart = bar_chart([(week, count if count >= inzichten.SMALL else 0)
                           for week, count in weeks])
        labels = [inzichten.shown(count) for _, count in weeks]
        result.append((topic, names.get(topic, topic), chart, labels))
    return result


@blueprint.get("/inzichten")
@login_required
def pagina():
    insight_filter = InsightFilter.parse(request.args, default_weeks=DEFAULT_WEEKS)
    rows = [] if insight_filter.errors else insight_filter.rows(_engine())
    names = topic_names()
    params = insight_filter.as_params()
    return render_template(
        "inzichten.html", filter=insight_filter, rows=rows, names=names,
        charts=charts(rows, names), gebieden=gebied_choices(), shown=inzichten.shown,
        labels=lambda row: inzichten.labels(row, names), query=urlencode(params),
    ), 400 if insight_filter.errors else 200


@blueprint.get("/inzichten/export.csv")
@login_required
def export():
    from staff.models import audit

    insight_filter = InsightFilter.parse(request.args, default_weeks=DEFAULT_WEEKS)
    if insight_filter.errors:
        return render_template("fout.html", title="Export niet gelukt",
                               message=" ".join(insight_filter.errors)), 400
    rows = insight_filter.rows(_engine())
    with sessionmaker(_engine(), future=True)() as session, session.begin():
        used = ", ".join(sorted(insight_filter.as_params())) or "geen"
        audit(session, current_user.name, "export inzichten",
              f"{len(rows)} regels, filters: {used}")
    body = "\ufeff" + inzichten.csv_text(rows, topic_names())  # BOM: Excel reads UTF-8
    name = f"inzichten-{now():%Y%m%d-%H%M}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
