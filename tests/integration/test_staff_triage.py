"""Triage on the staff page (issue 17, items 1-3, 5 and 8), through Flask's test client
on SQLite and on a real PostgreSQL, both after the real migrations."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from staff.app import create_app
from staff.models import AuditEntry
from tests.databases import (  # noqa: F401 - fixture
    DATABASES,
    migrated_database,
    new_signal,
    postgres_url,
)
from tests.staff_support import add_user, csrf_token, login, post_form, seed_signals, sessions
from wijkveiligheid.models import Signal, add_working_days, now
from wijkveiligheid.storage import SignalStore

TABLES = ["signaal_notities", "auditlog", "inlogpogingen", "medewerker_sessies",
          "medewerkers", "signalen"]


@pytest.fixture(params=DATABASES)
def site(request, tmp_path):
    with migrated_database(request, tmp_path, tables=TABLES) as url:
        references = seed_signals(url, tmp_path / "outbox")
        # The same topic and wijk as references[3], four days before it: "lijkt op".
        references.append(SignalStore(url, outbox=tmp_path / "outbox").store(new_signal(
            "dubbel", aangemaakt_op=(now() - timedelta(days=5)).isoformat(),
            beschrijving="Weer die groep bij het plein")))
        add_user(url, "mia", "medewerker")
        add_user(url, "bert", "beheerder")
        app = create_app({"SECRET_KEY": "test-sleutel", "DATABASE_URL": url})
        yield app, url, references


@pytest.fixture
def client(site):
    client = site[0].test_client()
    login(client, "mia")
    return client


def listed(page_text: str):
    """The references in the list, in the order shown."""
    return re.findall(r'name="referentie" value="([^"]+)"', page_text)


def audit_rows(url, action):
    with sessions(url)() as session:
        return [(a.door, a.signaal_referentie, a.details) for a in session.execute(
            select(AuditEntry).where(AuditEntry.actie == action).order_by(AuditEntry.id))
            .scalars()]


def status_of(url, reference):
    return SignalStore(url).by_reference(reference).status


# -- 1. a compact list --------------------------------------------------------------------
def test_the_default_list_shows_open_signals_only(client, site):
    _, url, refs = site
    post_form(client, f"/signalen/{refs[0]}", f"/signalen/{refs[0]}/status",
              {"status": "afgehandeld", "notitie": "Opgelost."})
    default = client.get("/signalen").text
    assert refs[0] not in listed(default) and len(listed(default)) == 4
    assert 'value="open" selected' in default
    everything = client.get("/signalen?status=alle").text
    assert refs[0] in listed(everything) and len(listed(everything)) == 5


def test_the_list_shows_the_age_and_a_coloured_status_badge_with_text(client, site):
    page = client.get("/signalen").text
    assert "20 dagen" in page and "1 dag<" in page
    assert '<span class="badge status-nieuw">nieuw</span>' in page


@pytest.mark.parametrize("key", ["leeftijd", "onderwerp", "gebied", "status"])
def test_columns_sort_both_ways(client, site, key):
    _, url, refs = site
    post_form(client, f"/signalen/{refs[1]}", f"/signalen/{refs[1]}/status",
              {"status": "in behandeling"})
    with sessions(url)() as session:
        signals = {s.referentie: s for s in session.execute(select(Signal)).scalars()}
    from staff.queries import topic_name
    value = {"leeftijd": lambda s: -s.aangemaakt_op.timestamp(),
             "onderwerp": lambda s: topic_name(s.onderwerp),
             "gebied": lambda s: s.gebied,
             "status": lambda s: ["nieuw", "in behandeling"].index(s.status)}[key]
    up = listed(client.get(f"/signalen?sorteer={key}").text)
    down = listed(client.get(f"/signalen?sorteer={key}&richting=af").text)
    assert [value(signals[r]) for r in up] == sorted(value(signals[r]) for r in up)
    assert [value(signals[r]) for r in down] == sorted((value(signals[r]) for r in down),
                                                       reverse=True)
    assert sorted(up) == sorted(down) and len(up) == 5


def test_the_filter_bar_is_folded_unless_a_filter_is_active(client):
    assert '<details class="filterbalk">' in client.get("/signalen").text
    assert '<details class="filterbalk" open>' in client.get("/signalen?gebied=Charlois").text


# -- 2. flow ------------------------------------------------------------------------------
def test_the_detail_page_keeps_the_filters_for_back_previous_and_next(client, site):
    _, url, refs = site
    order = listed(client.get("/signalen?gebied=Charlois").text)
    assert order == [refs[3], refs[2], refs[4], refs[0]]
    page = client.get(f"/signalen/{order[1]}?gebied=Charlois&status=open").text
    assert 'href="/signalen?gebied=Charlois&amp;status=open">Terug naar de signalen' in page
    assert f'href="/signalen/{order[0]}?gebied=Charlois&amp;status=open" rel="prev"' in page
    assert f'href="/signalen/{order[2]}?gebied=Charlois&amp;status=open" rel="next"' in page
    assert "2 van 4" in page
    # A change on the page comes back to the page with the same filters.
    response = post_form(client, f"/signalen/{order[1]}?gebied=Charlois",
                         f"/signalen/{order[1]}/status?gebied=Charlois&status=open",
                         {"status": "in behandeling"})
    assert response.headers["Location"] == f"/signalen/{order[1]}?gebied=Charlois&status=open"


def test_bulk_change_changes_each_selected_signal_with_its_own_audit(client, site):
    _, url, refs = site
    token = csrf_token(client.get("/signalen").text)
    response = client.post("/signalen/status", data={
        "csrf_token": token, "referentie": [refs[1], refs[2]], "bulk-status": "in behandeling",
        "bulk-notitie": "", "terug": "/signalen?gebied=Charlois"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/signalen?gebied=Charlois"
    assert status_of(url, refs[1]) == status_of(url, refs[2]) == "in behandeling"
    assert status_of(url, refs[0]) == "nieuw"
    assert audit_rows(url, "status") == [("mia", refs[1], "nieuw -> in behandeling"),
                                         ("mia", refs[2], "nieuw -> in behandeling")]


def test_bulk_closing_needs_a_note_and_changes_nothing_without_one(client, site):
    _, url, refs = site
    token = csrf_token(client.get("/signalen").text)
    response = client.post("/signalen/status", follow_redirects=True, data={
        "csrf_token": token, "referentie": [refs[1], refs[2]], "bulk-status": "afgehandeld",
        "bulk-notitie": "", "terug": "/signalen"})
    assert "Niets gewijzigd." in response.text and "Schrijf in de notitie" in response.text
    assert status_of(url, refs[1]) == status_of(url, refs[2]) == "nieuw"
    assert audit_rows(url, "status") == []
    client.post("/signalen/status", data={
        "csrf_token": token, "referentie": [refs[1]], "bulk-status": "afgehandeld",
        "bulk-notitie": "Dubbel gemeld.", "terug": "/signalen"})
    assert status_of(url, refs[1]) == "afgehandeld"


def test_bulk_change_goes_back_only_to_this_site(client, site):
    token = csrf_token(client.get("/signalen").text)
    response = client.post("/signalen/status", data={
        "csrf_token": token, "referentie": [site[2][1]], "bulk-status": "in behandeling",
        "terug": "//evil.example/"})
    assert response.headers["Location"] == "/signalen"


def test_bulk_change_without_a_csrf_token_is_refused(client, site):
    response = client.post("/signalen/status", data={
        "referentie": [site[2][1]], "bulk-status": "in behandeling"})
    assert response.status_code == 400 and status_of(site[1], site[2][1]) == "nieuw"


# -- 3. ownership ---------------------------------------------------------------------------
def test_assign_and_my_signals(client, site):
    _, url, refs = site
    assert listed(client.get("/signalen?mijn=1").text) == []
    response = post_form(client, f"/signalen/{refs[2]}", f"/signalen/{refs[2]}/toewijzen",
                         {"medewerker": "mia"}, follow=True)
    assert "Toegewezen aan mia." in response.text
    assert listed(client.get("/signalen?mijn=1").text) == [refs[2]]
    # bert's "mijn signalen" is his own.
    bert = site[0].test_client()
    login(bert, "bert")
    assert listed(bert.get("/signalen?mijn=1").text) == []
    assert audit_rows(url, "toegewezen") == [("mia", refs[2], "aan mia")]
    refused = post_form(client, f"/signalen/{refs[2]}", f"/signalen/{refs[2]}/toewijzen",
                        {"medewerker": "niemand-bekend"})
    assert refused.status_code == 400 and "Kies een medewerker uit de lijst." in refused.text


def test_a_new_signal_gets_a_deadline_of_five_working_days(site):
    _, url, refs = site
    with sessions(url)() as session:
        signal = session.execute(select(Signal).where(Signal.referentie == refs[0])).scalar_one()
        created = signal.aangemaakt_op.replace(tzinfo=timezone.utc) \
            if signal.aangemaakt_op.tzinfo is None else signal.aangemaakt_op
        deadline = signal.deadline.replace(tzinfo=timezone.utc) \
            if signal.deadline.tzinfo is None else signal.deadline
        assert signal.prioriteit == "normaal"
    assert deadline == add_working_days(created, 5)


def test_working_days_skip_the_weekend():
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
    assert add_working_days(friday, 1).weekday() == 0  # Monday
    assert add_working_days(friday, 5) == datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)


def test_overdue_signals_are_marked_and_filtered(client, site):
    _, url, refs = site
    # The 20- and 9-day-old signals are past their 5 working days; the others are not.
    page = client.get("/signalen?te_laat=1").text
    assert listed(page) == [refs[1], refs[0]]
    assert '<span class="badge laat">te laat</span>' in page
    assert "te laat" in client.get(f"/signalen/{refs[0]}").text
    assert "te laat" not in client.get(f"/signalen/{refs[3]}").text
    post_form(client, f"/signalen/{refs[0]}", f"/signalen/{refs[0]}/status",
              {"status": "afgehandeld", "notitie": "klaar"})
    assert listed(client.get("/signalen?te_laat=1").text) == [refs[1]]  # closed is not late


def test_priority_and_deadline_can_be_set_and_are_audited(client, site):
    _, url, refs = site
    day = (now() + timedelta(days=30)).date()
    response = post_form(client, f"/signalen/{refs[0]}", f"/signalen/{refs[0]}/prioriteit",
                         {"prioriteit": "hoog", "deadline": day.isoformat()}, follow=True)
    assert "Prioriteit en deadline zijn opgeslagen." in response.text
    assert listed(client.get("/signalen?te_laat=1").text) == [refs[1]]
    assert listed(client.get("/signalen?prioriteit=hoog").text) == [refs[0]]
    assert audit_rows(url, "triage") == [
        ("mia", refs[0], f"prioriteit normaal -> hoog, deadline {day:%d-%m-%Y}")]
    for bad, message in (({"prioriteit": "spoed", "deadline": ""}, "Prioriteit: kies"),
                         ({"prioriteit": "hoog", "deadline": "9999-12-31"}, "Deadline: kies"),
                         ({"prioriteit": "hoog", "deadline": "morgen"}, "jjjj-mm-dd")):
        refused = post_form(client, f"/signalen/{refs[0]}", f"/signalen/{refs[0]}/prioriteit",
                            bad)
        assert refused.status_code == 400 and message in refused.text


# -- 5. duplicates ---------------------------------------------------------------------------
def test_similar_signals_are_shown_and_can_be_linked_as_duplicates(client, site):
    _, url, refs = site
    page = client.get(f"/signalen/{refs[3]}").text
    similar = page.split('id="dubbel"')[1].split("</section>")[0]
    # Same topic and wijk within 14 days; another topic in the same wijk is not similar.
    assert refs[4] in similar and refs[2] not in similar and refs[0] not in similar
    response = post_form(client, f"/signalen/{refs[3]}", f"/signalen/{refs[3]}/dubbel",
                         {"van": refs[4]}, follow=True)
    assert f"Gekoppeld als dubbel van {refs[4]}." in response.text
    assert "Dit signaal is een dubbel van" in response.text
    assert f"Dubbele signalen van dit signaal: <a href=\"/signalen/{refs[3]}" in \
        client.get(f"/signalen/{refs[4]}").text
    refused = post_form(client, f"/signalen/{refs[4]}", f"/signalen/{refs[4]}/dubbel",
                        {"van": refs[3]})
    assert refused.status_code == 400 and "al een dubbel" in refused.text
    post_form(client, f"/signalen/{refs[3]}", f"/signalen/{refs[3]}/dubbel", {})
    assert "Dit signaal is een dubbel van" not in client.get(f"/signalen/{refs[3]}").text
    assert [a[2] for a in audit_rows(url, "dubbel gekoppeld")] == [f"dubbel van {refs[4]}"]
    assert len(audit_rows(url, "dubbel ontkoppeld")) == 1


# -- 8. details --------------------------------------------------------------------------------
def test_the_channel_reads_chat_website_and_the_status_error_is_tied_to_its_field(client,
                                                                                 site):
    refs = site[2]
    assert "chat (website)" in client.get(f"/signalen/{refs[1]}").text
    refused = post_form(client, f"/signalen/{refs[1]}", f"/signalen/{refs[1]}/status",
                        {"status": "afgehandeld", "notitie": ""})
    field = re.search(r"<select[^>]*id=\"status\"[^>]*>", refused.text).group(0)
    assert 'aria-describedby="status-fout"' in field and "autofocus" in field
    assert 'id="status-fout"' in refused.text


# -- the migration keeps old signals quiet --------------------------------------------------
def test_upgrading_gives_old_signals_a_deadline_and_sends_no_mail_for_them(tmp_path):
    from tests.integration.test_staff_workflow import alembic

    url = f"sqlite:///{tmp_path / 'signalen.db'}"
    assert alembic(url, "upgrade", "0002").returncode == 0
    from wijkveiligheid.storage import engine_for
    created = now() - timedelta(days=2)
    with engine_for(url).begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO signalen (referentie, aangemaakt_op, onderwerp, beschrijving, rol, "
            "contact_toestemming, kanaal, gesprek_hash, status, idempotentie_sleutel) "
            "VALUES ('SIG-2026-000001', ?, 'woonoverlast', 'x', 'bewoner', 0, 'rest', 'h', "
            "'nieuw', 'k')", (created.isoformat(sep=" "),))
    upgrade = alembic(url, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr
    with sessions(url)() as session:
        signal = session.execute(select(Signal)).scalar_one()
        assert signal.deadline is not None and signal.melding_verstuurd_op is not None
        assert signal.prioriteit == "normaal" and signal.melding_pogingen == 0
    assert alembic(url, "downgrade", "0002").returncode == 0



def test_bulk_change_of_too_many_signals_at_once_changes_nothing(client, site):
    token = csrf_token(client.get("/signalen").text)
    response = client.post("/signalen/status", follow_redirects=True, data={
        "csrf_token": token, "referentie": [site[2][1]] * 101,
        "bulk-status": "in behandeling", "terug": "/signalen"})
    assert "Kies hoogstens 100 signalen tegelijk." in response.text
    assert status_of(site[1], site[2][1]) == "nieuw"


def test_the_export_of_my_signals_holds_my_signals(client, site):
    refs = site[2]
    post_form(client, f"/signalen/{refs[2]}", f"/signalen/{refs[2]}/toewijzen",
              {"medewerker": "mia"})
    exported = client.get("/signalen/export.csv?mijn=1&status=open").data.decode("utf-8-sig")
    assert refs[2] in exported and refs[1] not in exported
