"""The chat widget in a real browser (Debian's Chromium) against the real Rasa and action
servers, served by the demo website (servers/website.py) exactly as `make run` does."""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

import pytest
import requests
from playwright.sync_api import Page, expect

from servers.runner import Server, free_port, running, widget_server
from tests.chromium import axe_violations
from tests.conftest import LOGS
from wijkveiligheid.settings import MAX_MESSAGE_CHARS

pytestmark = pytest.mark.e2e

WAIT = 120_000  # ms: a shared machine may answer slowly; the tests never time anything
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
XSS_USER = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>',
            '[klik](javascript:alert(3))']


@dataclass
class Site:
    url: str
    rasa: Server
    actions: Server
    port: int


@pytest.fixture(scope="module")
def site(servers, widget_port) -> Iterator[Site]:
    """The demo website in front of the session's Rasa and action servers (tests/conftest.py:
    the model loads once). As `make run`: the page answers at both names of this machine,
    and Rasa allows both origins."""
    rasa, actions = servers["rasa"], servers["actions"]
    rasa_port = int(rasa.health_url.split(":")[2].split("/")[0])
    website = widget_server(widget_port, rasa_url=f"http://localhost:{rasa_port}")
    with running([website], LOGS):
        yield Site(f"http://127.0.0.1:{widget_port}", rasa, actions, widget_port)


@pytest.fixture
def dialogs() -> List[str]:
    return []


def new_page(browser, url: str, dialogs: List[str], **context_options) -> Page:
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(WAIT)
    page.goto(url)
    return page


@pytest.fixture
def live_site(site: Site) -> Site:
    for server in (site.actions, site.rasa):  # a test may have stopped one
        if not server.is_up():
            server.start(LOGS)
            server.wait_until_up(timeout=240)
    return site


@pytest.fixture
def page(browser, live_site: Site, dialogs) -> Iterator[Page]:
    page = new_page(browser, live_site.url, dialogs)
    yield page
    page.context.close()


def launcher(page: Page):
    return page.locator(".rchat-launcher")


def bot_messages(page: Page):
    return page.locator(".rchat-msg-bot")


def answered(page: Page, before: int) -> str:
    """Waits for the answer after `before` bot messages and returns its text."""
    expect(bot_messages(page)).not_to_have_count(before, timeout=WAIT)
    expect(page.locator(".rchat-status")).to_be_empty(timeout=WAIT)
    return "\n".join(bot_messages(page).all_inner_texts()[before:])


def ask(page: Page, text: str) -> str:
    """Types a question and returns the assistant's answer."""
    before = bot_messages(page).count()
    page.locator("#rchat-input").fill(text)
    page.locator("#rchat-input").press("Enter")
    return answered(page, before)


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def sender(page: Page) -> str:
    return page.evaluate("JSON.parse(sessionStorage.getItem('rchat:sender'))")


def test_conversation_with_quick_reply_continues_after_reload(page: Page, site: Site, dialogs):
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    launcher(page).click()
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    welcome = page.locator(".rchat-welcome")
    expect(welcome).to_contain_text("computerprogramma")
    expect(welcome).to_contain_text("persoonsgegevens")
    expect(welcome).to_contain_text("112")
    expect(welcome.get_by_role("link", name=re.compile("privacy"))).to_have_attribute(
        "href", "/privacy")

    answer = ask(page, "er wordt elke avond gedeald bij het speeltuintje waar kan ik dat melden")
    assert "Veiligheidsloket" in answer
    link = page.locator(".rchat-msg-bot a[href='https://www.rotterdam.nl/veiligheidsloket']")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    expect(page.get_by_role("button", name="Signaal doorgeven", exact=True)).to_be_visible()

    before = bot_messages(page).count()
    page.get_by_role("button", name="Wat kan de wijkraad?").click()
    expect(page.locator(".rchat-msg-user").last).to_have_text(re.compile("Wat kan de wijkraad"))
    assert "wijkraad" in answered(page, before)  # the same topic, another kind of question
    assert focused(page) == "rchat-input"
    conversation_id = sender(page)
    assert UUID4.match(conversation_id)
    shown = bot_messages(page).count()

    page.reload()
    expect(bot_messages(page)).to_have_count(shown)  # the panel is still open with the history
    expect(page.locator(".rchat-msg-user")).to_have_count(2)
    assert sender(page) == conversation_id
    ask(page, "hoe werkt cameratoezicht eigenlijk?")
    # The follow-up needs the topic from the same conversation.
    follow_up = ask(page, "en mogen wij daar iets over zeggen?")
    assert "wijkraad" in follow_up and "camera" in follow_up.lower()

    # Rasa saw every turn under the one id, before and after the reload.
    tracker = requests.get(f"{site.rasa.health_url.split('/webhooks')[0]}/conversations/"
                           f"{conversation_id}/tracker", params={"token": site.rasa.api_token},
                           timeout=30).json()
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said[0].startswith("er wordt elke avond gedeald") and len(said) == 4
    assert dialogs == []


def test_closing_the_browser_ends_the_conversation(browser, site: Site, page: Page, dialogs):
    launcher(page).click()
    ask(page, "hallo")
    other = new_page(browser, site.url, dialogs)  # a new browser session
    try:
        assert sender(other) != sender(page) and UUID4.match(sender(other))
        expect(other.locator(".rchat-msg")).to_have_count(0)
    finally:
        other.context.close()


def tab_to_first_reply(page: Page) -> None:
    """From the input, Tab reaches the first quick reply right after the input row (the send
    button is the one stop between them)."""
    assert focused(page) == "rchat-input"
    page.keyboard.press("Tab")
    if "rchat-send" in focused(page):
        page.keyboard.press("Tab")
    expect(page.locator(".rchat-reply").first).to_be_focused()


def tab_to_launcher(page: Page) -> None:
    for _ in range(30):
        page.keyboard.press("Tab")
        if "rchat-launcher" in focused(page):
            return
    pytest.fail("The chat launcher cannot be reached with Tab")


def test_keyboard_only(page: Page):
    tab_to_launcher(page)
    page.keyboard.press("Enter")
    expect(page.locator("#rchat-panel")).to_be_visible()
    assert focused(page) == "rchat-input"
    expect(page.locator("#rchat-input")).to_have_accessible_name("Typ je vraag")

    page.keyboard.type("wat kan ik vragen?")
    page.keyboard.press("Enter")
    expect(page.locator(".rchat-reply").first).to_be_visible(timeout=WAIT)
    assert focused(page) == "rchat-input"

    tab_to_first_reply(page)  # the replies follow the input row
    page.keyboard.press("Tab")
    second = page.locator(".rchat-reply").nth(1)
    expect(second).to_be_focused()
    topic = second.text_content()
    answers = bot_messages(page).count()
    page.keyboard.press("Enter")
    expect(bot_messages(page)).not_to_have_count(answers, timeout=WAIT)
    expect(page.locator(".rchat-msg-user").last).to_have_text(re.compile(re.escape(topic)))
    expect(page.locator(".rchat-status")).to_be_empty(timeout=WAIT)
    expect(page.locator(".rchat-error")).to_be_empty()  # a real answer, not the error
    assert focused(page) == "rchat-input"  # the used reply is gone; focus stays in the chat

    page.keyboard.press("Escape")
    expect(page.locator("#rchat-panel")).to_be_hidden()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    expect(launcher(page)).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.locator("#rchat-panel")).to_be_visible()
    assert focused(page) == "rchat-input"
    expect(page.locator(".rchat-msg-user")).to_have_count(2)

    page.keyboard.press("Shift+Tab")  # ... past the replies and links to the close button
    for _ in range(40):
        if "rchat-close" in focused(page):
            break
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#rchat-panel")).to_be_hidden()
    expect(launcher(page)).to_be_focused()


def test_no_axe_violations_closed_open_and_after_a_conversation(page: Page):
    assert axe_violations(page) == []
    launcher(page).click()
    expect(page.locator("#rchat-input")).to_be_focused()
    assert axe_violations(page) == []
    ask(page, "waar meld ik dat mijn bovenburen elke nacht herrie maken?")
    ask(page, "wat kan ik vragen?")
    expect(page.locator(".rchat-reply").first).to_be_visible()
    assert axe_violations(page) == []


def test_axe_on_the_privacy_page(page: Page, site: Site):
    page.goto(f"{site.url}/privacy")
    expect(page.locator("h1")).to_contain_text("Privacyverklaring")
    assert axe_violations(page) == []


def test_user_xss_shows_as_text(page: Page, dialogs):
    launcher(page).click()
    for payload in XSS_USER:
        ask(page, payload)
        expect(page.locator(".rchat-msg-user").last).to_have_text(re.compile(re.escape(payload)))
    assert page.locator(".rchat img, .rchat script, .rchat a[href^='javascript']").count() == 0
    assert dialogs == []


HOSTILE = [
    {"text": "**Vet** en https://www.rotterdam.nl/veiligheidsloket.\n\n- een\n- twee\n\n"
             "Bel [het meldpunt](https://www.rotterdam.nl/meldpunt)."},
    {"text": '<img src=x onerror=alert("img")> <script>alert("script")</script>'},
    {"text": "[klik](javascript:alert('link')) [mail](mailto:wijk@example.nl) "
             "<a href=\"javascript:alert('a')\">a</a> **<b onmouseover=alert(1)>b</b>**"},
    {"text": "Kies:", "buttons": [{"title": "<img src=y onerror=alert('knop')>",
                                   "payload": "/x"}]},
]


class HostileBot(BaseHTTPRequestHandler):
    """Stand-in for a compromised or buggy bot server: only for the bot-side XSS test."""
    origin = ""

    def cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.origin)
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Access-Control-Allow-Methods", "POST")

    def do_GET(self) -> None:  # the channel's settings (bot/channel.py)
        body = b'{"max_lengte": 120}'
        self.send_response(200)
        self.cors()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.cors()
        self.end_headers()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps([{"recipient_id": "x", **m} for m in HOSTILE]).encode()
        self.send_response(200)
        self.cors()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_bot_xss_shows_as_text_and_only_safe_formatting_renders(browser, dialogs):
    site_port = free_port()
    origin = f"http://127.0.0.1:{site_port}"
    handler = type("Bot", (HostileBot,), {"origin": origin})
    bot = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=bot.serve_forever, daemon=True).start()
    website = widget_server(site_port, rasa_url=f"http://127.0.0.1:{bot.server_address[1]}")
    try:
        with running([website], LOGS):
            page = new_page(browser, origin, dialogs)
            launcher(page).click()
            ask(page, "hallo")
            expect(bot_messages(page)).to_have_count(1)  # one answer, one item
            log = page.locator(".rchat-log")
            expect(log).to_contain_text('<img src=x onerror=alert("img")>')
            expect(log).to_contain_text('<script>alert("script")</script>')
            expect(log).to_contain_text("<b onmouseover=alert(1)>b</b>")
            expect(page.locator(".rchat-reply")).to_have_text("<img src=y onerror=alert('knop')>")
            assert page.locator(".rchat img, .rchat script, .rchat b").count() == 0
            hrefs = page.locator(".rchat-log a").evaluate_all("as => as.map(a => a.href)")
            assert hrefs == ["https://www.rotterdam.nl/veiligheidsloket",
                             "https://www.rotterdam.nl/meldpunt", "mailto:wijk@example.nl"]
            # A markdown link shows its text, not the address.
            expect(page.locator(".rchat-log a[href='https://www.rotterdam.nl/meldpunt']")
                   ).to_have_text("het meldpunt (opent in nieuw tabblad)")
            # The server's limit reaches the input.
            expect(page.locator("#rchat-input")).to_have_attribute("maxlength", "120")
            # The safe subset does render: bold, a list, and the sentence's full stop
            # stays out of the link.
            first = bot_messages(page).first
            expect(first.locator("strong").first).to_have_text("Vet")
            expect(first.locator("li")).to_have_text(["een", "twee"])
            expect(first).to_contain_text("veiligheidsloket (opent in nieuw tabblad).")
            page.context.close()
    finally:
        bot.shutdown()
        bot.server_close()
    assert dialogs == []


def test_server_down_shows_dutch_error_and_retry_recovers(page: Page, site: Site):
    launcher(page).click()
    ask(page, "hallo")
    site.rasa.stop()
    answers = bot_messages(page).count()
    page.locator("#rchat-input").fill("hoe werkt cameratoezicht eigenlijk?")
    page.locator("#rchat-input").press("Enter")
    error = page.get_by_role("alert")
    expect(error).to_contain_text("Het lukt nu niet om een antwoord te krijgen")
    expect(bot_messages(page)).to_have_count(answers)

    site.rasa.start(LOGS)
    site.rasa.wait_until_up(timeout=240)
    page.get_by_role("button", name="Opnieuw proberen").click()
    assert "cameratoezicht" in answered(page, answers).lower()
    expect(page.locator(".rchat-error")).to_be_empty()
    expect(page.locator(".rchat-msg-user")).to_have_count(2)  # the question is not repeated


def test_action_server_down_still_gets_a_dutch_answer_not_silence(page: Page, site: Site):
    launcher(page).click()
    site.actions.stop()  # plain Rasa would answer this turn with [] (silence); the
    # `live_site` fixture starts it again for the next test
    reply = ask(page, "ik wil een signaal doorgeven")
    # bot/channel.py fills the silence; the widget shows it as an ordinary answer.
    assert "er ging bij mij iets mis" in reply and "112" in reply


def test_narrow_320px_screen_shows_input_and_send_button(browser, live_site: Site, dialogs):
    page = new_page(browser, live_site.url, dialogs, viewport={"width": 320, "height": 640})
    try:
        launcher(page).click()
        for part in (page.locator("#rchat-input"), page.get_by_role("button", name="Verstuur")):
            expect(part).to_be_visible()
            box = part.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320
            assert box["y"] >= 0 and box["y"] + box["height"] <= 640
            assert box["height"] >= 24 and box["width"] >= 24
        assert "cameratoezicht" in ask(page, "hoe werkt cameratoezicht eigenlijk?").lower()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        page.context.close()


def test_input_is_limited_to_the_servers_one_limit_with_a_counter(page: Page):
    launcher(page).click()
    field = page.locator("#rchat-input")
    limit = MAX_MESSAGE_CHARS  # the widget has no copy: it asks the channel
    expect(field).to_have_attribute("maxlength", str(limit))
    field.fill("a" * 100)
    expect(page.locator("#rchat-counter")).to_be_empty()
    field.fill("a" * (limit + 200))
    expect(field).to_have_value("a" * limit)
    expect(page.locator("#rchat-counter")).to_have_text(f"{limit} van {limit} tekens")
    expect(field).to_have_attribute("aria-describedby", "rchat-counter")


def test_reduced_motion_stops_the_typing_animation(page: Page):
    page.emulate_media(reduced_motion="reduce")
    launcher(page).click()
    animation = page.evaluate("""() => {
        const dots = document.createElement('span');
        dots.className = 'rchat-dots';
        dots.appendChild(document.createElement('span'));
        document.querySelector('.rchat-status').appendChild(dots);
        return getComputedStyle(dots.firstChild).animationName;
    }""")
    assert animation == "none"


# ---- issue 18: reading and using the widget at every size ---------------------------

def first_line_in_view(page: Page, selector: str) -> None:
    """Waits until the top of the element is inside the visible part of the panel (the
    message area, or the whole panel on a very low screen) and not under the input row."""
    page.wait_for_function("""sel => {
        const item = document.querySelector(sel);
        const body = document.querySelector('.rchat-body');
        const panel = document.querySelector('.rchat-panel');
        const box = getComputedStyle(body).overflowY === 'visible' ? panel : body;
        const view = box.getBoundingClientRect();
        const form = document.querySelector('.rchat-form').getBoundingClientRect();
        const top = item.getBoundingClientRect().top;
        const line = parseFloat(getComputedStyle(item).lineHeight) || 24;
        const bottom = box === panel ? Math.min(view.bottom, form.top) : view.bottom;
        return top >= view.top - 1 && top + line <= bottom + 1;
    }""", arg=selector, timeout=WAIT)


LAST_ANSWER = ".rchat-msg-bot:last-child"


def small_page(browser, site: Site, dialogs, width=400, height=520) -> Page:
    return new_page(browser, site.url, dialogs, viewport={"width": width, "height": height})


def test_a_long_answer_opens_at_its_first_line(browser, live_site: Site, dialogs):
    page = small_page(browser, live_site, dialogs)
    try:
        launcher(page).click()
        ask(page, "hoe werkt cameratoezicht eigenlijk?")
        ask(page, "wat kan ik vragen?")  # the overview of all topics: longer than the view
        answer = bot_messages(page).last
        view = page.locator(".rchat-body").bounding_box()
        assert answer.bounding_box()["height"] > view["height"]  # else the test proves nothing
        first_line_in_view(page, LAST_ANSWER)
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_each_answer_is_one_log_item_announced_once(page: Page):
    launcher(page).click()
    answer = ask(page, "er wordt elke avond gedeald bij het speeltuintje waar kan ik dat melden")
    assert "Veiligheidsloket" in answer
    log = page.locator(".rchat-log")
    # Only the messages are in the log: one question, one answer, however many parts Rasa
    # sent (the stand-in bot below sends four: they become one item too).
    expect(log.locator(":scope > *")).to_have_count(2)
    item = bot_messages(page).first
    expect(item.locator(".rchat-sr", has_text="Assistent:")).to_have_count(1)
    expect(item.locator("a[href='https://www.rotterdam.nl/veiligheidsloket']")).to_have_count(1)
    expect(page.locator(".rchat-log .rchat-welcome")).to_have_count(0)


def test_quick_replies_are_their_own_group_after_the_log_and_tab_reaches_them(page: Page):
    launcher(page).click()
    ask(page, "wat kan ik vragen?")
    group = page.get_by_role("group", name="Kies een antwoord:")
    expect(group.locator(".rchat-reply").first).to_be_visible()
    expect(page.locator(".rchat-log .rchat-reply")).to_have_count(0)
    assert page.evaluate("""() => {
        const log = document.querySelector('.rchat-log');
        const group = document.querySelector('.rchat-replies');
        return !!(log.compareDocumentPosition(group) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    tab_to_first_reply(page)
    page.keyboard.press("Tab")
    expect(page.locator(".rchat-reply").nth(1)).to_be_focused()  # in order
    assert axe_violations(page) == []
    before = bot_messages(page).count()
    page.keyboard.press("Enter")
    expect(page.locator(".rchat-reply")).to_have_count(0, timeout=WAIT)  # used: gone
    assert focused(page) == "rchat-input"
    answered(page, before)


@pytest.mark.parametrize("width,height", [(640, 400), (320, 200)], ids=["200pct", "400pct"])
def test_zoomed_with_the_error_showing_the_input_row_stays_in_view(browser, live_site: Site,
                                                                   dialogs, width, height):
    # 200 % and 400 % zoom of a 1280 x 800 screen. The network fails, as when the server
    # cannot be reached, so the error shows.
    page = new_page(browser, live_site.url, dialogs, viewport={"width": width, "height": height})
    try:
        page.route("**/webhooks/rest/webhook", lambda route: route.abort())
        launcher(page).click()
        page.locator("#rchat-input").fill("hallo")
        page.locator("#rchat-input").press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("Het lukt nu niet")
        for part in (page.locator("#rchat-input"), page.get_by_role("button", name="Verstuur")):
            box = part.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            assert box["y"] >= 0 and box["y"] + box["height"] <= height
        # Nothing is cut off: the retry button scrolls into view above the input row.
        retry = page.get_by_role("button", name="Opnieuw proberen")
        retry.scroll_into_view_if_needed()
        form_top = page.locator(".rchat-form").bounding_box()["y"]
        box = retry.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= form_top + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
    finally:
        page.context.close()


def test_after_a_reload_the_latest_exchange_is_in_view(browser, live_site: Site, dialogs):
    page = small_page(browser, live_site, dialogs)
    try:
        launcher(page).click()
        ask(page, "hoe werkt cameratoezicht eigenlijk?")
        ask(page, "en mogen wij daar iets over zeggen?")
        ask(page, "waar meld ik dat mijn bovenburen elke nacht herrie maken?")
        page.reload()
        expect(bot_messages(page)).to_have_count(3)
        first_line_in_view(page, LAST_ANSWER)
        assert page.locator(".rchat-body").evaluate("b => b.scrollTop") > 0  # not the welcome
    finally:
        page.context.close()


def test_the_launcher_says_chat_sluiten_while_the_chat_is_open(page: Page):
    expect(launcher(page)).to_have_accessible_name("Chat over veiligheid")
    launcher(page).click()
    expect(launcher(page)).to_have_accessible_name("Chat sluiten")
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    launcher(page).click()
    expect(launcher(page)).to_have_accessible_name("Chat over veiligheid")
    expect(page.locator("#rchat-panel")).to_be_hidden()


def test_the_welcome_names_the_assistant_and_offers_example_questions(page: Page):
    launcher(page).click()
    welcome = page.locator(".rchat-welcome")
    expect(welcome).to_contain_text("Hallo, ik ben de Veiligheidsassistent.")
    expect(welcome.locator("svg.rchat-mark")).to_have_count(1)
    examples = page.get_by_role("group", name="Probeer bijvoorbeeld:").get_by_role("button")
    expect(examples).to_have_count(4)
    expect(examples.last).to_have_text("Wat kan ik vragen?")
    before = bot_messages(page).count()
    examples.last.click()
    expect(page.locator(".rchat-msg-user").last).to_have_text(re.compile("Wat kan ik vragen"))
    answered(page, before)
    expect(page.locator(".rchat-reply").first).to_be_visible()
    # The demo page has an icon of its own.
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert requests.get(page.url.rstrip("/") + icon, timeout=30).headers[
        "Content-Type"].startswith("image/svg+xml")


def test_nieuw_gesprek_starts_a_new_session_on_the_server(page: Page, site: Site):
    launcher(page).click()
    ask(page, "hoe werkt cameratoezicht eigenlijk?")
    old = sender(page)
    page.get_by_role("button", name="Nieuw gesprek").click()
    expect(page.locator(".rchat-msg")).to_have_count(0)
    expect(page.locator(".rchat-welcome")).to_be_visible()
    assert focused(page) == "rchat-input"
    new = sender(page)
    assert new != old and UUID4.match(new)
    base = site.rasa.health_url.split("/webhooks")[0]

    def events(conversation: str) -> List[str]:
        tracker = requests.get(f"{base}/conversations/{conversation}/tracker",
                               params={"token": site.rasa.api_token, "include_events": "ALL"},
                               timeout=30).json()
        return [e["event"] for e in tracker["events"]]

    deadline = time.monotonic() + 60
    while "restart" not in events(old) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "restart" in events(old)  # Rasa forgot the old conversation
    # The follow-up no longer knows the topic of the old conversation.
    ask(page, "hallo")
    page.reload()
    expect(page.locator(".rchat-msg-user")).to_have_count(1)
    assert sender(page) == new
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1"])
def test_the_page_works_at_both_names_of_this_machine(browser, live_site: Site, dialogs, name):
    page = new_page(browser, f"http://{name}:{live_site.port}", dialogs)
    try:
        launcher(page).click()
        assert "cameratoezicht" in ask(page, "hoe werkt cameratoezicht eigenlijk?").lower()
    finally:
        page.context.close()


def last_answer_in_view(page: Page) -> None:
    """The newest answer is in the visible part of the message area (and of the window): all
    of it, or when it is longer than that area, its start."""
    page.wait_for_function("""() => {
        const item = document.querySelector('.rchat-msg-bot:last-child').getBoundingClientRect();
        const body = document.querySelector('.rchat-body').getBoundingClientRect();
        const top = Math.max(body.top, 0), bottom = Math.min(body.bottom, window.innerHeight);
        return item.top >= top - 1 && (item.bottom <= bottom + 1 || item.height > bottom - top);
    }""", timeout=WAIT)


def test_the_newest_answer_stays_in_view_when_the_on_screen_keyboard_opens(browser,
                                                                           live_site: Site,
                                                                           dialogs):
    page = small_page(browser, live_site, dialogs, width=400, height=760)
    try:
        launcher(page).click()
        ask(page, "hoe werkt cameratoezicht eigenlijk?")
        # A short answer at the bottom of a scrolled conversation.
        assert "Graag gedaan" in ask(page, "bedankt")
        last_answer_in_view(page)
        # The keyboard takes 340 px: with interactive-widget=resizes-content the page
        # shrinks, as a phone does.
        page.set_viewport_size({"width": 400, "height": 420})
        last_answer_in_view(page)
        body = page.locator(".rchat-body").bounding_box()
        assert bot_messages(page).last.bounding_box()["height"] < body["height"]  # it fits
        assert body["y"] + body["height"] <= 420
    finally:
        page.context.close()


@pytest.mark.parametrize("question,expected", [
    ("Waar meld ik overlast van hangjongeren?", "Veiligheidsloket"),       # a resident
    ("Mogen wij als wijkraad meepraten over camera's?", "wijkraad"),       # wijkraad
    ("Ik wil een signaal doorgeven", "signaal"),                           # reporting
])
def test_each_example_question_gets_a_fitting_answer(page: Page, question, expected):
    launcher(page).click()
    before = bot_messages(page).count()
    page.get_by_role("button", name=question).click()
    assert expected in answered(page, before)
