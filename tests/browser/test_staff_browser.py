"""The staff page in Debian's Chromium, against the real app served by a real server process
(`python -m staff start`, as `make run` starts it) on a seeded database."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from servers.runner import free_port, running, staff_server
from tests.chromium import axe_violations
from tests.staff_support import PASSWORD, XSS, add_user, make_database, seed_signals
from wijkveiligheid import inzichten
from wijkveiligheid.storage import engine_for

LOGS = Path(__file__).resolve().parents[2] / "results" / "server-logs"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staff-browser")
    url = make_database(folder)
    references = seed_signals(url, folder / "outbox")
    add_user(url, "mia", "medewerker")
    for question, times in [(inzichten.Question("cameratoezicht", "invloed", "Charlois"), 6),
                            (inzichten.Question("horeca", "", ""), 2)]:
        for _ in range(times):
            inzichten.add(engine_for(url), question)
    server = staff_server(free_port(), env={"DATABASE_URL": url,
                                            "STAFF_SECRET_KEY": "browser-test-sleutel"})
    with running([server], LOGS, timeout=180):
        yield server.public_url.rstrip("/"), references


@pytest.fixture
def page(browser, site):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def log_in(page, base):
    page.goto(f"{base}/inloggen")
    page.get_by_label("Gebruikersnaam").fill("mia")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/signalen"))


def test_an_unauthenticated_visit_goes_to_the_login_page(page, site):
    base, references = site
    page.goto(f"{base}/signalen/{references[0]}")
    assert "/inloggen" in page.url
    assert page.get_by_role("heading", name="Inloggen").is_visible()
    assert page.get_by_text("Log in om deze pagina te zien.").is_visible()


def test_review_a_signal_from_login_to_logout(page, site, tmp_path):
    base, references = site
    page.goto(f"{base}/inloggen")
    assert axe_violations(page) == []
    log_in(page, base)
    assert page.get_by_text("4 signalen gevonden").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Gebied").select_option("Charlois")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(r"gebied=Charlois"))
    assert page.get_by_text("3 signalen gevonden").is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteer als CSV", exact=True).click()
    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig")),
                               delimiter=";"))
    assert len(rows) == 3 and {r["gebied"] for r in rows} == {"Charlois"}
    assert "contact" not in rows[0]

    page.get_by_role("link", name=references[0]).click()
    page.wait_for_url(re.compile(references[0]))
    assert page.get_by_role("heading", name=f"Signaal {references[0]}").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Nieuwe status").select_option("in behandeling")
    page.get_by_role("textbox", name="Notitie").fill("Wijkagent gevraagd langs te gaan.")
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_text("De wijziging is opgeslagen.").is_visible()
    assert page.locator(".gegevens .status").inner_text() == "in behandeling"
    audit = page.get_by_role("region", name="Auditlog van dit signaal")
    assert audit.get_by_role("cell", name="nieuw -> in behandeling").is_visible()
    assert audit.get_by_role("cell", name="mia").is_visible()
    assert page.get_by_text("Wijkagent gevraagd langs te gaan.").is_visible()

    page.get_by_role("link", name="Overzicht").click()
    assert page.get_by_role("img", name=re.compile("Staafdiagram: signalen per gebied")).is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/inloggen"))
    assert page.get_by_text("Je bent uitgelogd.").is_visible()
    page.goto(f"{base}/signalen")
    assert "/inloggen" in page.url


def test_a_script_in_a_signal_shows_as_text(page, site):
    base, references = site
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base)
    page.goto(f"{base}/signalen/{references[3]}")
    assert page.locator(".beschrijving").inner_text() == XSS
    page.goto(f"{base}/signalen?zoek=speeltuin")
    assert page.get_by_text("<script>alert(1)</script>", exact=False).is_visible()
    assert dialogs == []


def test_keyboard_users_can_skip_to_the_content(page, site):
    base, _ = site
    log_in(page, base)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"


@pytest.mark.parametrize("width,height", [(768, 1024), (1280, 800)])
def test_pages_fit_a_tablet_and_a_laptop_screen(browser, site, width, height):
    base, references = site
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        log_in(page, base)
        for path in ("/signalen", f"/signalen/{references[0]}", "/overzicht", "/inzichten"):
            page.goto(f"{base}{path}")
            # Nothing sticks out sideways: wide tables scroll inside their own box.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    finally:
        context.close()


def test_the_insights_page_in_the_browser(page, site, tmp_path):
    base, _ = site
    log_in(page, base)
    page.get_by_role("link", name="Inzichten").click()
    page.wait_for_url(re.compile(r"/inzichten"))
    assert page.get_by_role("heading", name="Inzichten: vragen in de chat").is_visible()
    assert page.get_by_role("img", name=re.compile("Staafdiagram: vragen over Horeca")).is_visible()
    assert page.get_by_role("cell", name="< 5").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Gebied").select_option("Charlois")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(r"gebied=Charlois"))
    assert page.get_by_role("cell", name="6", exact=True).is_visible()
    assert page.get_by_role("cell", name="< 5").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteer als CSV").click()
    saved = tmp_path / "inzichten.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig")),
                               delimiter=";"))
    assert [(r["gebied"], r["onderwerp"], r["aantal"]) for r in rows] == [
        ("Charlois", "Cameratoezicht", "6")]
