"""The staff page as an attacker tries it (issue 15, item 3): where login may send you
next, the failed-login throttle under 60 parallel attempts against the real server on
SQLite and PostgreSQL, and filter values out of every range (Hypothesis)."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from servers.runner import free_port, running, staff_server
from staff import accounts
from staff.app import create_app
from staff.auth import is_local_path
from staff.models import LoginThrottle
from tests.databases import DATABASES, migrated_database, postgres_url  # noqa: F401 - fixture
from tests.staff_support import (
    PASSWORD,
    add_user,
    csrf_token,
    login,
    make_database,
    seed_signals,
    sessions,
)

LOGS = Path(__file__).resolve().parents[2] / "results" / "server-logs"


@pytest.fixture(scope="module")
def app_and_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staff-security")
    url = make_database(folder)
    references = seed_signals(url, folder / "outbox")
    add_user(url, "mia", "medewerker")
    return create_app({"SECRET_KEY": "test-sleutel", "DATABASE_URL": url}), url, references


# -- volgende: only a path on this site ------------------------------------------------
@pytest.mark.parametrize("target", [
    "//evil.example/", "/\t/evil.example", "/%09/evil.example".replace("%09", "\t"),
    "/\r\nSet-Cookie: x=1", "/\n/evil.example", "/\\evil.example", "/\\/evil.example",
    "https://evil.example/", "javascript:alert(1)", "/ /evil.example", "/\x00",
    "/\u2028/evil.example", "/\u00a0/evil.example", "evil.example", "", "/" + "a" * 3000,
])
def test_a_next_target_off_this_site_is_refused(target):
    assert not is_local_path(target)


@pytest.mark.parametrize("target", ["/signalen", "/signalen?gebied=Charlois&status=open",
                                    "/signalen/SIG-2026-000001", "/beheer/auditlog"])
def test_a_path_on_this_site_is_kept(target):
    assert is_local_path(target)


@pytest.mark.parametrize("raw", ["/%09/evil.example", "//evil.example", "/%0d%0aX:%20y",
                                 "/%5Cevil.example", "https:evil.example", "%2F%2Fevil"])
def test_login_never_redirects_off_site_and_never_fails(app_and_url, raw):
    client = app_and_url[0].test_client()
    page = client.get(f"/inloggen?volgende={raw}")
    assert page.status_code == 200
    response = client.post(f"/inloggen?volgende={raw}", data={
        "csrf_token": csrf_token(page.text), "gebruikersnaam": "mia", "wachtwoord": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/signalen"


def test_after_login_a_same_site_path_with_filters_is_followed(app_and_url):
    client = app_and_url[0].test_client()
    target = "/signalen?gebied=Charlois"
    page = client.get("/inloggen", query_string={"volgende": target})
    response = client.post("/inloggen", query_string={"volgende": target}, data={
        "csrf_token": csrf_token(page.text), "gebruikersnaam": "mia", "wachtwoord": PASSWORD})
    assert response.headers["Location"] == target


# -- the throttle under 60 parallel attempts, against the real server -----------------------
@pytest.fixture(params=DATABASES)
def live_site(request, tmp_path):
    with migrated_database(request, tmp_path, tables=[
            "auditlog", "inlogpogingen", "medewerker_sessies", "medewerkers"]) as url:
        add_user(url, "mia", "medewerker")
        server = staff_server(free_port(), env={"DATABASE_URL": url,
                                                "STAFF_SECRET_KEY": "parallel-sleutel"})
        with running([server], LOGS, timeout=180):
            yield server.public_url.rstrip("/"), url


def attempt(base: str, password: str) -> int:
    with requests.Session() as browser:
        page = browser.get(f"{base}/inloggen", timeout=120)
        response = browser.post(f"{base}/inloggen", allow_redirects=False, timeout=120, data={
            "csrf_token": csrf_token(page.text), "gebruikersnaam": "mia",
            "wachtwoord": password})
        return response.status_code


def test_sixty_parallel_wrong_passwords_are_all_counted_and_none_fails(live_site):
    base, url = live_site
    with ThreadPoolExecutor(max_workers=60) as pool:
        statuses = list(pool.map(lambda i: attempt(base, f"fout-wachtwoord-{i}"), range(60)))
    assert set(statuses) <= {401, 429}, statuses  # never a 500
    checked = statuses.count(401)
    with sessions(url)() as session:
        counters = session.execute(select(LoginThrottle.mislukt)).scalars().all()
    # Two keys (name, address): each counted every checked attempt, none lost, none extra.
    assert counters == [checked, checked]
    # The first four are free and the fifth sets a block, so parallel attempts cannot
    # all slip past the check.
    assert accounts.FREE_FAILURES < checked < 60
    assert attempt(base, PASSWORD) == 429  # even the right password waits now


def test_sixty_parallel_first_attempts_with_different_names_race_on_one_row(live_site):
    """All share the address key, which none of them finds: the inserts race."""
    base, url = live_site

    def try_name(i: int) -> int:
        with requests.Session() as browser:
            page = browser.get(f"{base}/inloggen", timeout=120)
            return browser.post(f"{base}/inloggen", allow_redirects=False, timeout=120, data={
                "csrf_token": csrf_token(page.text), "gebruikersnaam": f"naam{i}",
                "wachtwoord": "fout"}).status_code

    with ThreadPoolExecutor(max_workers=60) as pool:
        statuses = list(pool.map(try_name, range(60)))
    assert set(statuses) <= {401, 429}, statuses
    with sessions(url)() as session:
        address = session.execute(select(LoginThrottle.mislukt).where(
            LoginThrottle.sleutel == accounts._key("adres", "127.0.0.1"))).scalar_one()
    assert address == statuses.count(401)


# -- every filter value out of range: the page with a Dutch message ---------------------------
FILTERS = ("onderwerp", "gebied", "wijk", "status", "rol", "van", "tot", "zoek", "pagina",
           "contact")
odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
odd_values = st.one_of(
    odd_text,
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01", "2026-02-30",
                     "2026-13-01", "９９９９-01-01"]),
    st.integers(min_value=-10**25, max_value=10**25).map(str),
    st.just("1" * 20), st.just("\x00"), st.just("open"), st.just("alle"),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=st.dictionaries(st.sampled_from(FILTERS), odd_values, min_size=1))
def test_any_filter_value_gives_a_page_never_a_500(app_and_url, values):
    client = app_and_url[0].test_client()
    login(client, "mia")
    for path in ("/signalen", "/signalen/export.csv"):
        response = client.get(path, query_string=values)
        assert response.status_code in (200, 400), (path, values, response.status_code)
        if response.status_code == 400:
            text = response.get_data(as_text=True)
            assert re.search(r"kies|schrijf|maximaal|gebruik alleen", text), (path, values)


@pytest.mark.parametrize("query,message", [
    ("tot=9999-12-31", "Tot en met: kies een datum tussen 01-01-2000 en 31-12-2099."),
    ("van=0001-01-01", "Vanaf: kies een datum tussen 01-01-2000 en 31-12-2099."),
    ("pagina=" + "9" * 20, "Pagina: kies een pagina van 1 tot en met 1."),
    ("pagina=-1", "Pagina: kies een pagina van 1 tot en met 1."),
    ("zoek=a%00b", "Zoektekst: gebruik alleen letters, cijfers en leestekens."),
])
def test_the_values_from_the_report_get_a_dutch_message(app_and_url, query, message):
    client = app_and_url[0].test_client()
    login(client, "mia")
    response = client.get(f"/signalen?{query}")
    assert response.status_code == 400 and message in response.text
