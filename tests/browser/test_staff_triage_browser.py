"""Triage in Debian's Chromium against the real staff server (issue 17): the compact list,
filter - detail - next - back with the filters kept, bulk change, assignment and "Mijn
signalen", overdue signals, cards on a phone, chart links and labels; axe on each state."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from servers.runner import free_port, running, staff_server
from tests.chromium import axe_violations
from tests.databases import new_signal
from tests.staff_support import PASSWORD, add_user, make_database, seed_signals
from wijkveiligheid.models import now
from wijkveiligheid.storage import SignalStore

LOGS = Path(__file__).resolve().parents[2] / "results" / "server-logs"
PLACES = [("Carnisse", "Charlois"), ("Spangen", "Delfshaven"), ("Tarwewijk", "Charlois")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staff-triage")
    url = make_database(folder)
    references = seed_signals(url, folder / "outbox")
    store = SignalStore(url, outbox=folder / "outbox")
    for i in range(14):  # enough for a full screen
        wijk, gebied = PLACES[i % 3]
        references.append(store.store(new_signal(
            f"extra-{i}", wijk=wijk, gebied=gebied,
            aangemaakt_op=(now() - timedelta(days=i % 12, hours=i)).isoformat(),
            beschrijving=f"Melding {i}: iemand zet steeds afval bij de container neer " * 3)))
    add_user(url, "mia", "medewerker")
    add_user(url, "bert", "beheerder")
    server = staff_server(free_port(), env={"DATABASE_URL": url,
                                            "STAFF_SECRET_KEY": "triage-sleutel"})
    with running([server], LOGS, timeout=180):
        yield server.public_url.rstrip("/"), references


def new_page(browser, width=1280, height=800):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()


def log_in(page, base, name="mia"):
    page.goto(f"{base}/inloggen")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/signalen"))


def rows(page):
    return page.locator("table.lijst tbody tr")


def test_at_least_ten_rows_fit_a_laptop_screen(page, site):
    base, _ = site
    log_in(page, base)
    visible = page.evaluate("""() => [...document.querySelectorAll('table.lijst tbody tr')]
        .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length""")
    assert visible >= 10, visible
    assert axe_violations(page) == []


def test_triage_filter_detail_next_and_back_keep_the_filters(page, site):
    base, _ = site
    log_in(page, base)
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Gebied").select_option("Charlois")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(r"gebied=Charlois"))
    assert page.locator("details.filterbalk").get_attribute("open") is not None
    assert axe_violations(page) == []  # with the filter bar open
    found = page.get_by_role("status").first.inner_text()
    order = rows(page).locator("td:nth-child(2) a").all_inner_texts()
    rows(page).first.get_by_role("link", name=order[0]).click()
    page.wait_for_url(re.compile(order[0]))
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("^Volgend signaal")).click()
    page.wait_for_url(re.compile(order[1]))
    assert page.get_by_role("heading", name=f"Signaal {order[1]}").is_visible()
    assert page.get_by_text(f"2 van {len(order)}").is_visible()
    page.get_by_role("link", name=re.compile("^Vorig signaal")).click()
    page.wait_for_url(re.compile(order[0]))
    page.get_by_role("link", name="Terug naar de signalen").click()
    page.wait_for_url(re.compile(r"/signalen\?.*gebied=Charlois"))
    assert page.get_by_role("status").first.inner_text() == found
    assert rows(page).locator("td:nth-child(2) a").all_inner_texts() == order


def test_bulk_change_of_selected_rows(page, site):
    base, references = site
    log_in(page, base)
    page.goto(f"{base}/signalen?gebied=Delfshaven")
    chosen = rows(page).locator("td:nth-child(2) a").all_inner_texts()[:2]
    for reference in chosen:
        page.get_by_label(f"Kies {reference}").check()
    page.get_by_label("Nieuwe status voor de gekozen signalen").select_option("in behandeling")
    with page.expect_navigation():
        page.get_by_role("button", name="Wijzig de gekozen signalen").click()
    assert page.get_by_text("De wijziging is opgeslagen voor 2 signalen.").is_visible()
    assert "gebied=Delfshaven" in page.url
    for reference in chosen:
        row = rows(page).filter(has=page.get_by_role("link", name=reference))
        assert row.locator(".badge").first.inner_text() == "in behandeling"
    assert axe_violations(page) == []


def test_assign_to_me_and_see_it_under_my_signals(page, site):
    base, references = site
    log_in(page, base)
    page.goto(f"{base}/signalen/{references[2]}")
    page.get_by_label("Toewijzen aan").select_option("mia")
    page.get_by_role("button", name="Toewijzen", exact=True).click()
    assert page.get_by_text("Toegewezen aan mia.").is_visible()
    assert axe_violations(page) == []
    page.goto(f"{base}/signalen")
    page.get_by_role("link", name="Mijn signalen").click()
    page.wait_for_url(re.compile(r"mijn=1"))
    assert rows(page).locator("td:nth-child(2) a").all_inner_texts() == [references[2]]
    assert axe_violations(page) == []


def test_overdue_signals_are_marked_and_have_their_own_view(page, site):
    base, references = site
    log_in(page, base)
    page.get_by_role("link", name="Te laat").click()
    page.wait_for_url(re.compile(r"te_laat=1"))
    late = rows(page).locator("td:nth-child(2) a").all_inner_texts()
    assert references[0] in late and references[3] not in late
    assert rows(page).locator(".badge.laat").count() == len(late)
    assert axe_violations(page) == []


def test_below_600_px_the_list_becomes_cards(browser, site):
    base, _ = site
    context, page = new_page(browser, 375, 740)
    try:
        log_in(page, base)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        first = rows(page).first.bounding_box()
        assert first["width"] <= 375
        assert page.locator("table.lijst thead").bounding_box()["height"] <= 1
        assert axe_violations(page) == []
    finally:
        context.close()


def test_chart_bars_link_to_the_list_and_no_label_is_cut_off(page, site):
    base, _ = site
    log_in(page, base)
    page.goto(f"{base}/overzicht")
    assert axe_violations(page) == []
    outside = page.evaluate("""() => [...document.querySelectorAll('svg text')].filter(t => {
        const box = t.getBBox(), view = t.ownerSVGElement.viewBox.baseVal;
        return box.x < 0 || box.y < 0 || box.x + box.width > view.width
            || box.y + box.height > view.height; }).map(t => t.textContent)""")
    assert outside == []
    weeks = page.locator("#per-week-titel ~ figure rect")
    heights = [float(weeks.nth(i).get_attribute("height")) for i in range(weeks.count())]
    assert weeks.count() == 12 and max(heights) > 0  # vertical columns
    page.get_by_role("link", name=re.compile(r"^Charlois: \d+\. Toon deze signalen")).click()
    page.wait_for_url(re.compile(r"gebied=Charlois"))
    assert "gebied=Charlois" in page.url and rows(page).count() > 0
