"""A real browser for page tests: Debian's Chromium driven by Playwright, never a downloaded one.

`browser` is a session fixture, registered once in tests/conftest.py: Playwright's sync
API allows one instance per process, so test modules must not import it themselves.
They import `axe_violations` from here.
"""
from __future__ import annotations

import shutil
from typing import Iterator, List

import pytest

# Chromium on these machines has no network beyond loopback: without these flags it keeps
# trying to reach Google's hosts, and as root it needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's Chromium is missing: `apt-get install chromium` (.ci/run does).")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator["playwright.sync_api.Browser"]:  # noqa: F821
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                      args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# axe-core rule tags for WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> List[str]:
    """axe-core's WCAG A/AA violations on the page as it is now, one readable line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x: "
            f"{', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in results.response["violations"]]
