"""The question counts in the database, on the staff page /inzichten and from
`python -m staff inzichten`: the same table, small counts as "< 5"."""
from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from staff.app import create_app
from staff.models import AuditEntry
from tests.databases import DATABASES, migrated_database, postgres_url  # noqa: F401 - fixture
from tests.staff_support import add_user, login, make_database, seed_signals, sessions
from wijkveiligheid import inzichten, retention
from wijkveiligheid.inzichten import Question
from wijkveiligheid.storage import engine_for

ROOT = Path(__file__).resolve().parents[2]
TODAY = inzichten.local_today()
THIS_WEEK = inzichten.iso_week(TODAY)
LONG_AGO = TODAY - timedelta(weeks=20)
OLD_WEEK = inzichten.iso_week(LONG_AGO)


@pytest.fixture(params=DATABASES)
def database(request, tmp_path):
    with migrated_database(request, tmp_path) as url:
        yield url


def test_counts_add_up_also_when_counted_at_once(database):
    engine = engine_for(database)
    question = Question("cameratoezicht", "invloed", "Charlois")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: inzichten.add(engine, question, week=THIS_WEEK), range(20)))
    inzichten.add(engine, Question("horeca", "", ""), week=THIS_WEEK)
    assert inzichten.rows(engine) == [
        inzichten.Row(THIS_WEEK, "Charlois", "cameratoezicht", "invloed", 20),
        inzichten.Row(THIS_WEEK, "", "horeca", "", 1)]
    assert inzichten.total(engine) == 21


def test_retention_keeps_the_counts(tmp_path, monkeypatch):
    url = make_database(tmp_path)
    inzichten.add(engine_for(url), Question("horeca", "melden", "Noord"), week=OLD_WEEK)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("SIGNAL_OUTBOX", str(tmp_path / "outbox"))
    assert retention.main(["--days", "30"]) == 0
    assert inzichten.total(engine_for(url)) == 1


@pytest.fixture(params=DATABASES)
def counted(request, tmp_path):
    """A staff database with counts of this week and of 20 weeks ago (SQLite, PostgreSQL)."""
    with migrated_database(request, tmp_path) as url:
        yield fill(url, tmp_path)


def fill(url: str, tmp_path) -> str:
    seed_signals(url, tmp_path / "outbox")
    add_user(url, "mia", "medewerker")
    engine = engine_for(url)
    for question, times, week in [
            (Question("cameratoezicht", "invloed", "Charlois"), 7, THIS_WEEK),
            (Question("cameratoezicht", "uitleg", "Charlois"), 3, THIS_WEEK),
            (Question("horeca", "melden", "Delfshaven"), 5, THIS_WEEK),
            (Question("polarisatie", "", ""), 1, OLD_WEEK)]:
        for _ in range(times):
            inzichten.add(engine, question, week=week)
    return url


@pytest.fixture
def client(counted):
    client = create_app({"SECRET_KEY": "test-sleutel", "DATABASE_URL": counted}).test_client()
    login(client, "mia")
    return client


def table(html: str) -> list:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_page_needs_a_login(counted):
    client = create_app({"SECRET_KEY": "test-sleutel", "DATABASE_URL": counted}).test_client()
    for path in ("/inzichten", "/inzichten/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")


def test_the_page_shows_the_last_weeks_with_small_counts_hidden(client):
    page = client.get("/inzichten")
    assert page.status_code == 200
    assert table(page.text) == [
        [THIS_WEEK, "Charlois", "Cameratoezicht", "invloed", "7"],
        [THIS_WEEK, "Charlois", "Cameratoezicht", "uitleg", "&lt; 5"],
        [THIS_WEEK, "Delfshaven", "Horeca", "melden", "5"],
    ]  # the count of 20 weeks ago is outside the default period
    # A chart per topic, a bar per week.
    assert re.findall(r'<h2 id="onderwerp-(\w+)">', page.text) == ["cameratoezicht", "horeca"]
    assert page.text.count("<svg") == 2
    assert f"{THIS_WEEK}: 10" in page.text  # both kinds of camera question in one bar
    assert 'aria-current="page">Inzichten' in page.text


def test_a_small_count_gets_an_empty_bar_and_its_number_stays_hidden(client):
    page = client.get("/inzichten", query_string={"van": LONG_AGO.isoformat(), "gebied": "-"})
    assert table(page.text) == [[OLD_WEEK, "geen gebied genoemd", "Polarisatie", "onbekend",
                                 "&lt; 5"]]
    chart = page.text.split('id="onderwerp-polarisatie"')[1]
    assert re.search(r'<rect [^>]*width="0"', chart)
    assert f"{OLD_WEEK}: &lt; 5" in chart and ">1<" not in chart


def test_filters_for_gebied_and_period(client):
    charlois = table(client.get("/inzichten", query_string={"gebied": "Charlois"}).text)
    assert {row[1] for row in charlois} == {"Charlois"} and len(charlois) == 2
    everything = table(client.get("/inzichten", query_string={"van": ""}).text)
    assert len(everything) == 4
    old_only = table(client.get("/inzichten", query_string={
        "van": (LONG_AGO - timedelta(days=7)).isoformat(),
        "tot": (LONG_AGO + timedelta(days=7)).isoformat()}).text)
    assert [row[0] for row in old_only] == [OLD_WEEK]
    nothing = client.get("/inzichten", query_string={"gebied": "Delfshaven", "van": "",
                                                     "tot": LONG_AGO.isoformat()})
    assert "Geen vragen geteld" in nothing.text


@pytest.mark.parametrize("query,message", [
    ({"gebied": "Atlantis"}, "Dit gebied bestaat niet."),
    ({"van": "gisteren"}, "Vanaf: vul een datum in als jjjj-mm-dd."),
    ({"van": "2026-05-01", "tot": "2026-04-01"}, "De datum &#39;vanaf&#39; ligt na"),
])
def test_wrong_filters_get_a_dutch_message(client, query, message):
    response = client.get("/inzichten", query_string=query)
    assert response.status_code == 400 and message in response.text


def exported(client, **query) -> str:
    response = client.get("/inzichten/export.csv", query_string=query)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    return body[1:]


def test_the_csv_export_is_the_table_and_is_audited(client, counted):
    rows = list(csv.reader(io.StringIO(exported(client, gebied="Charlois")), delimiter=";"))
    assert rows == [["week", "gebied", "onderwerp", "vraagsoort", "aantal"],
                    [THIS_WEEK, "Charlois", "Cameratoezicht", "invloed", "7"],
                    [THIS_WEEK, "Charlois", "Cameratoezicht", "uitleg", "< 5"]]
    with sessions(counted)() as session:
        entry = session.execute(select(AuditEntry).where(
            AuditEntry.actie == "export inzichten")).scalar_one()
    assert (entry.door, entry.details) == ("mia", "2 regels, filters: gebied, van")


def staff(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "staff", "inzichten", *args], text=True,
                          capture_output=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "DATABASE_URL": url})


def test_the_command_line_prints_the_same_table(client, counted):
    result = staff(counted)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == exported(client).splitlines()
    assert result.stdout.splitlines()[0] == "week;gebied;onderwerp;vraagsoort;aantal"
    everything = staff(counted, "--van", "", "--gebied", "-")
    assert everything.stdout.splitlines() == exported(client, van="", gebied="-").splitlines()
    assert everything.stdout.splitlines()[1] == f"{OLD_WEEK};geen gebied genoemd;Polarisatie;onbekend;< 5"


def test_the_command_line_refuses_a_wrong_date(counted):
    result = staff(counted, "--van", "1 mei")
    assert result.returncode == 2 and "vul een datum in als jjjj-mm-dd" in result.stderr
