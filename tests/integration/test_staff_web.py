"""The staff page through Flask's test client on a real, migrated SQLite database:
login and sessions, roles, CSRF, the workflow, the audit log, export and headers."""
from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from staff.app import create_app
from staff.models import AuditEntry, LoginThrottle, StaffSession
from staff.queries import topic_name
from tests.staff_support import (
    PASSWORD,
    add_user,
    csrf_token,
    login,
    make_database,
    post_form,
    seed_signals,
    sessions,
)
from wijkveiligheid import retention
from wijkveiligheid.models import now, retention_days
from wijkveiligheid.storage import SignalStore, engine_for


@pytest.fixture
def site(tmp_path):
    url = make_database(tmp_path)
    references = seed_signals(url, tmp_path / "outbox")
    add_user(url, "mia", "medewerker")
    add_user(url, "bert", "beheerder")
    app = create_app({"SECRET_KEY": "test-sleutel", "DATABASE_URL": url})
    return app, url, references


@pytest.fixture
def client(site):
    return site[0].test_client()


def audit_actions(url):
    with sessions(url)() as session:
        return [(a.door, a.actie, a.signaal_referentie, a.details) for a in session.execute(
            select(AuditEntry).order_by(AuditEntry.id)).scalars()]


# -- authentication -----------------------------------------------------------
def test_every_page_but_login_needs_a_session(client, site):
    reference = site[2][0]
    for path in ("/", "/signalen", f"/signalen/{reference}", "/overzicht", "/beheer",
                 "/signalen/export.csv", "/beheer/auditlog"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/inloggen"), path
    assert client.get("/inloggen").status_code == 200
    assert client.get("/gezond").status_code == 200


def test_login_with_the_right_password_opens_the_list(client):
    response = login(client, "mia")
    assert response.status_code == 302 and response.headers["Location"] == "/signalen"
    page = client.get("/signalen")
    assert page.status_code == 200 and "4 signalen gevonden" in page.text


def test_wrong_password_and_unknown_user_get_the_same_dutch_answer(client, site):
    wrong = login(client, "mia", "verkeerd-wachtwoord")
    unknown = login(client, "niemand", "verkeerd-wachtwoord")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "De gebruikersnaam of het wachtwoord klopt niet." in response.text
    # The typed name of a non-existing account is not written down anywhere.
    assert ("onbekend", "inloggen mislukt", None, None) in [
        (d, a, r, x or None) for d, a, r, x in audit_actions(site[1])]
    assert not any("niemand" in str(row) for row in audit_actions(site[1]))


def test_passwords_are_stored_as_argon2id_hashes(site):
    from staff.models import StaffUser

    with sessions(site[1])() as session:
        stored = session.execute(select(StaffUser.wachtwoord_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)


def test_login_starts_a_new_session(client):
    client.get("/inloggen")
    before = client.get_cookie("medewerker_sessie").value
    login(client, "mia")
    after = client.get_cookie("medewerker_sessie").value
    assert after != before
    # The cookie from before the login does not carry the login.
    other = client.application.test_client()
    other.set_cookie("medewerker_sessie", before)
    assert other.get("/signalen").status_code == 302


def test_logout_ends_the_session_on_the_server(client, site):
    login(client, "mia")
    stolen = client.get_cookie("medewerker_sessie").value
    response = post_form(client, "/signalen", "/uitloggen", {})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"
    assert client.get("/signalen").status_code == 302
    # Replaying the old cookie does not work either: the server forgot the session.
    replay = client.application.test_client()
    replay.set_cookie("medewerker_sessie", stolen)
    assert replay.get("/signalen").status_code == 302
    with sessions(site[1])() as session:
        assert session.execute(select(StaffSession)).scalars().all() == []


def test_session_expires_after_inactivity(client, site):
    login(client, "mia")
    assert client.get("/signalen").status_code == 200
    with sessions(site[1])() as session:
        session.execute(update(StaffSession).values(laatst_gezien=now() - timedelta(minutes=31)))
        session.commit()
    response = client.get("/signalen")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")
    assert "Je sessie is verlopen" in client.get("/inloggen").text


def test_repeated_failures_slow_logins_down(client, site):
    for _ in range(5):
        assert login(client, "mia", "niet-het-goede-wachtwoord").status_code == 401
    refused = login(client, "mia")  # even the right password waits now
    assert refused.status_code == 429
    assert "Te veel mislukte pogingen" in refused.text
    assert client.get("/signalen").status_code == 302
    with sessions(site[1])() as session:  # time passes
        session.execute(update(LoginThrottle).values(geblokkeerd_tot=now() - timedelta(seconds=1)))
        session.commit()
    assert login(client, "mia").status_code == 302


def test_an_open_redirect_after_login_is_refused(client):
    page = client.get("/inloggen?volgende=//evil.example/")
    response = client.post("/inloggen?volgende=//evil.example/", data={
        "csrf_token": csrf_token(page.text), "gebruikersnaam": "mia", "wachtwoord": PASSWORD})
    assert response.headers["Location"] == "/signalen"


def test_a_deactivated_account_loses_its_session(site):
    app, url, _ = site
    mia, bert = app.test_client(), app.test_client()
    login(mia, "mia")
    login(bert, "bert")
    with sessions(url)() as session:
        from staff.models import StaffUser
        mia_id = session.execute(select(StaffUser.id).where(
            StaffUser.gebruikersnaam == "mia")).scalar_one()
    assert post_form(bert, "/beheer", f"/beheer/gebruikers/{mia_id}/actief", {}).status_code == 302
    assert mia.get("/signalen").status_code == 302
    assert login(mia, "mia").status_code == 401


# -- CSRF ---------------------------------------------------------------------------
def test_forms_without_a_csrf_token_are_refused(client, site):
    reference = site[2][0]
    assert client.post("/inloggen", data={"gebruikersnaam": "mia",
                                          "wachtwoord": PASSWORD}).status_code == 400
    login(client, "mia")
    response = client.post(f"/signalen/{reference}/status",
                           data={"status": "in behandeling", "notitie": "x"})
    assert response.status_code == 400 and "Formulier verlopen" in response.text
    response = client.post(f"/signalen/{reference}/status", data={
        "csrf_token": "vervalst", "status": "in behandeling"})
    assert response.status_code == 400
    assert client.post("/uitloggen").status_code == 400
    assert SignalStore(site[1]).by_reference(reference).status == "nieuw"


# -- roles --------------------------------------------------------------------------
def test_a_medewerker_cannot_manage_accounts_or_retention(client):
    login(client, "mia")
    assert client.get("/beheer").status_code == 403
    assert client.get("/beheer/auditlog").status_code == 403
    token = csrf_token(client.get("/signalen").text)
    assert client.post("/beheer/gebruikers", data={
        "csrf_token": token, "gebruikersnaam": "indringer", "rol": "beheerder",
        "wachtwoord": PASSWORD, "herhaal": PASSWORD}).status_code == 403
    assert client.post("/beheer/bewaartermijn", data={
        "csrf_token": token, "dagen": "30"}).status_code == 403
    assert "Beheer" not in client.get("/signalen").text.split("</nav>")[0]


def test_a_beheerder_creates_an_account_that_can_log_in(client, site):
    login(client, "bert")
    response = post_form(client, "/beheer", "/beheer/gebruikers", {
        "gebruikersnaam": "Nora", "rol": "medewerker", "wachtwoord": "kort",
        "herhaal": "kort"})
    assert response.status_code == 400 and "minstens 12 tekens" in response.text
    response = post_form(client, "/beheer", "/beheer/gebruikers", {
        "gebruikersnaam": "Nora", "rol": "medewerker", "wachtwoord": PASSWORD,
        "herhaal": PASSWORD}, follow=True)
    assert "Het account is aangemaakt." in response.text
    assert login(site[0].test_client(), "nora").status_code == 302
    assert ("bert", "account aangemaakt", None, "nora (medewerker)") in audit_actions(site[1])


def test_a_beheerder_sets_the_retention_that_the_purge_command_uses(client, site, monkeypatch,
                                                                     capsys, tmp_path):
    login(client, "bert")
    response = post_form(client, "/beheer", "/beheer/bewaartermijn", {"dagen": "5"})
    assert response.status_code == 400 and "30 tot 3650" in response.text
    post_form(client, "/beheer", "/beheer/bewaartermijn", {"dagen": "30"})
    with sessions(site[1])() as session:
        assert retention_days(session) == 30
    reference_old = site[2][0]  # 20 days old: stays with 30 days, would go with 7
    monkeypatch.setenv("DATABASE_URL", site[1])
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("RETENTION_DAYS", "7")
    assert retention.main([]) == 0
    assert "bewaartermijn signalen 30 dagen: 0 signalen verwijderd" in capsys.readouterr().out
    assert SignalStore(site[1]).by_reference(reference_old) is not None
    assert retention.main(["--days", "15"]) == 0  # an explicit --days still wins
    assert "bewaartermijn signalen 15 dagen: 1 signalen verwijderd" in capsys.readouterr().out
    assert SignalStore(site[1]).by_reference(reference_old) is None


# -- the list, the signal, the workflow ------------------------------------------------
def test_filters_search_and_paging(client, site):
    login(client, "mia")
    page = client.get("/signalen?gebied=Charlois&rol=bewoner")
    assert "2 signalen gevonden" in page.text
    page = client.get("/signalen?onderwerp=overlast_op_straat&status=nieuw")
    assert "2 signalen gevonden" in page.text
    assert "1 signaal gevonden" in client.get("/signalen?wijk=Spangen").text
    assert "3 signalen gevonden" in client.get("/signalen?wijk=Carnisse").text
    assert "1 signaal gevonden" in client.get("/signalen?zoek=muziek").text
    # % and _ are searched as text, not as wildcards.
    assert "1 signaal gevonden" in client.get("/signalen?zoek=50%25").text
    assert "0 signalen gevonden" in client.get("/signalen?zoek=%25%25%25x").text
    assert "1 signaal gevonden" in client.get("/signalen?zoek=korting_tekst").text
    van = (now() - timedelta(days=10)).date().isoformat()
    assert "3 signalen gevonden" in client.get(f"/signalen?van={van}").text
    bad = client.get("/signalen?van=gisteren&status=weg")
    assert bad.status_code == 400
    assert "schrijf de datum als jjjj-mm-dd" in bad.text and "Onbekende status" in bad.text


def test_the_list_is_newest_first_and_pages(client, site):
    store = SignalStore(site[1])
    from tests.databases import new_signal
    for i in range(30):
        store.store(new_signal(f"extra-{i}", aangemaakt_op=(
            now() - timedelta(days=40, minutes=i)).isoformat()))
    login(client, "mia")
    first = client.get("/signalen").text
    assert "34 signalen gevonden, pagina 1 van 2" in first
    assert first.index(site[2][3]) < first.index(site[2][2]) < first.index(site[2][0])
    second = client.get("/signalen?pagina=2").text
    assert site[2][0] not in second and "Vorige pagina" in second


def test_signal_text_is_escaped(client, site):
    login(client, "mia")
    for path in ("/signalen", f"/signalen/{site[2][3]}"):
        page = client.get(path).text
        assert "<script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_status_change_with_note_is_shown_and_audited(client, site):
    reference = site[2][1]
    login(client, "mia")
    response = post_form(client, f"/signalen/{reference}", f"/signalen/{reference}/status",
                         {"status": "in behandeling", "notitie": "Ik bel de ondernemer."},
                         follow=True)
    assert "De wijziging is opgeslagen." in response.text
    assert SignalStore(site[1]).by_reference(reference).status == "in behandeling"
    assert "Ik bel de ondernemer." in response.text
    assert ("mia", "status", reference, "nieuw -> in behandeling") in audit_actions(site[1])
    assert "nieuw -&gt; in behandeling" in response.text  # the audit entry on the signal


def test_invalid_transitions_are_refused_with_a_dutch_reason(client, site):
    reference = site[2][1]
    login(client, "mia")
    url = f"/signalen/{reference}"
    response = post_form(client, url, f"{url}/status", {"status": "afgehandeld", "notitie": ""})
    assert response.status_code == 400 and "Schrijf in de notitie waarom" in response.text
    response = post_form(client, url, f"{url}/status", {"status": "verdwenen"})
    assert response.status_code == 400 and "Deze status bestaat niet" in response.text
    post_form(client, url, f"{url}/status", {"status": "afgehandeld", "notitie": "Opgelost."})
    response = post_form(client, url, f"{url}/status", {"status": "nieuw", "notitie": "terug"})
    assert response.status_code == 400
    assert "Van 'afgehandeld' kan een signaal niet naar 'nieuw'" in html.unescape(response.text)
    assert SignalStore(site[1]).by_reference(reference).status == "afgehandeld"
    assert [a for a in audit_actions(site[1]) if a[1] == "status"] == [
        ("mia", "status", reference, "nieuw -> afgehandeld")]


def test_contact_is_shown_on_request_and_that_is_audited(client, site):
    reference = site[2][0]
    login(client, "mia")
    page = client.get(f"/signalen/{reference}").text
    assert "melder@example.org" not in page and "Toon contactgegevens" in page
    shown = post_form(client, f"/signalen/{reference}", f"/signalen/{reference}/contact", {})
    assert "melder@example.org" in shown.text
    assert ("mia", "contact bekeken", reference, "") in audit_actions(site[1])
    assert "melder@example.org" not in client.get("/signalen").text


def test_unknown_signal_is_a_dutch_404(client):
    login(client, "mia")
    response = client.get("/signalen/SIG-2026-999999")
    assert response.status_code == 404 and "bestaat niet" in response.text


def test_every_error_is_a_dutch_page_with_its_own_status(client, site):
    login(client, "mia")
    token = csrf_token(client.get("/signalen").text)
    too_much = client.post("/beheer/bewaartermijn", data={"csrf_token": token,
                                                          "dagen": "1" * 70_000})
    with engine_for(site[1]).begin() as connection:
        connection.exec_driver_sql("DROP TABLE signalen")  # a real failure in the database
    for response, status, title in [
            (client.post("/uitloggen"), 400, "Formulier verlopen"),
            (client.get("/beheer"), 403, "Geen toegang"),
            (client.get("/bestaat-niet"), 404, "Niet gevonden"),
            (too_much, 413, "Te veel tekst"),
            (client.get("/signalen"), 500, "Er ging iets mis")]:
        assert response.status_code == status
        page = response.text
        assert f"<h1>{title}</h1>" in page and "Naar de signalen" in page
        assert "Traceback" not in page and "sqlite" not in page.lower()


# -- export ---------------------------------------------------------------------------
def rows_of(response):
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_export_follows_the_filter_and_leaves_contact_out_for_medewerkers(client, site):
    login(client, "mia")
    response = client.get("/signalen/export.csv?gebied=Charlois")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert len(rows) == 3 and "contact" not in rows[0]
    assert all(r["gebied"] == "Charlois" for r in rows)
    assert "melder@example.org" not in response.data.decode()
    assert client.get("/signalen/export.csv?contact=1").status_code == 403
    assert "met contactgegevens" not in client.get("/signalen").text
    assert ("mia", "export", None, "3 signalen, zonder contact, filters: gebied") in \
        audit_actions(site[1])


def test_a_beheerder_may_export_contact_details(client, site):
    login(client, "bert")
    rows = rows_of(client.get("/signalen/export.csv?contact=1&onderwerp=woonoverlast"))
    assert [r["contact"] for r in rows] == ["melder@example.org"]
    assert rows[0]["onderwerp"] == topic_name("woonoverlast")


def test_csv_cells_cannot_become_spreadsheet_formulas(client, site):
    from tests.databases import new_signal
    SignalStore(site[1]).store(new_signal("formule", beschrijving="=HYPERLINK(\"x\")"))
    login(client, "mia")
    rows = rows_of(client.get("/signalen/export.csv?zoek=HYPERLINK"))
    assert rows[0]["beschrijving"].startswith("'=")


# -- headers and the overview -----------------------------------------------------------
def test_security_headers_and_cookie_flags(client):
    response = client.get("/inloggen")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]  # no scripts at all
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = login(client, "mia").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = client.application.test_client()
    page = https.get("/inloggen", base_url="https://localhost")
    form = {"csrf_token": csrf_token(page.text), "gebruikersnaam": "mia", "wachtwoord": PASSWORD}
    # Over HTTPS a form post must come from this site (the browser sends the Referer).
    elsewhere = https.post("/inloggen", base_url="https://localhost", data=form,
                           headers={"Referer": "https://evil.example/"})
    assert elsewhere.status_code == 400
    secure = https.post("/inloggen", base_url="https://localhost", data=form,
                        headers={"Referer": "https://localhost/inloggen"})
    assert secure.status_code == 302, secure.text
    assert "Secure" in secure.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in secure.headers


def test_overview_draws_charts_with_text_alternatives(client):
    login(client, "mia")
    page = client.get("/overzicht").text
    assert page.count("<svg") == 4 and page.count('role="group" aria-label="Staafdiagram') == 4
    assert "Signalen per onderwerp" in page and "Signalen per gebied" in page
    assert "Charlois: 3" in page  # in the chart's label, read by screen readers
    assert "nieuw: 4" in page
    # Every bar links to the list, filtered on what it counts.
    assert '<a href="/signalen?gebied=Charlois&amp;status=alle" aria-label="Charlois: 3. ' \
        'Toon deze signalen">' in page
    assert '<a href="/signalen?status=nieuw" aria-label="nieuw: 4. Toon deze signalen">' in page
    charlois = client.get("/signalen?gebied=Charlois&status=alle").text
    assert "3 signalen gevonden" in charlois


def test_without_a_configured_key_one_is_made_once_and_kept_private(tmp_path, monkeypatch):
    from staff import app as staff_app

    monkeypatch.delenv("STAFF_SECRET_KEY", raising=False)
    monkeypatch.setattr(staff_app, "SECRET_FILE", tmp_path / "var" / "staff-secret-key")
    first = staff_app.secret_key()
    assert len(first) >= 40 and staff_app.secret_key() == first
    assert (tmp_path / "var" / "staff-secret-key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("STAFF_SECRET_KEY", "uit-de-omgeving")
    assert staff_app.secret_key() == "uit-de-omgeving"


def test_an_expired_session_does_not_resend_a_form_after_login(client, site):
    reference = site[2][1]
    login(client, "mia")
    token = csrf_token(client.get(f"/signalen/{reference}").text)
    with sessions(site[1])() as session:
        session.execute(update(StaffSession).values(laatst_gezien=now() - timedelta(hours=1)))
        session.commit()
    response = client.post(f"/signalen/{reference}/status", data={
        "csrf_token": token, "status": "afgehandeld", "notitie": "klaar"})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"
    assert SignalStore(site[1]).by_reference(reference).status == "nieuw"
