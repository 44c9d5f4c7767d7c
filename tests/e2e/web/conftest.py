"""Browser tests: Debian's headless Chromium, driven by Playwright (Python), against the local
stack started by tests/e2e/conftest.py. Every screen is checked with axe-core and saved as a
screenshot under test-artifacts/web/."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eakte.local.client import LocalClient
from eakte.local.process import running_stack
from eakte.local.stack import repo_root

pytestmark = pytest.mark.e2e

ROOT = repo_root()
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "web"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1366, "height": 768}  # the laptop screen the offices use
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalClient]:
    """A local stack of the browser tests' own (as tests/e2e/conftest.py starts one), so the
    other end-to-end tests' documents do not show up in these screens."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_stack(log=ARTIFACTS / "web-stack.log") as base:  # kept: a failure is read from it
        yield LocalClient(base)


@pytest.fixture(scope="session")
def web_build() -> Path:
    """The built app (web/dist); `make web` rebuilds it only when its sources changed."""
    if shutil.which("npm") is None:
        pytest.fail("npm is needed to build the web app (Node 20)")
    subprocess.run(["make", "-s", "web"], cwd=ROOT, check=True)
    index = ROOT / "web" / "dist" / "index.html"
    assert index.exists(), "make web did not produce web/dist/index.html"
    assert AXE.exists(), "axe-core is missing from web/node_modules (npm ci)"
    return index


@pytest.fixture(scope="session")
def axe_report() -> Iterator[dict[str, Any]]:
    """Per screen: axe-core's violations by impact. Written to test-artifacts/web/axe.json."""
    report: dict[str, Any] = {}
    yield report
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="session")
def browser(web_build: Path) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (make install adds it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, stack: LocalClient) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT, base_url=stack.base_url, locale="de-CH")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def new_page(browser: Any, stack: LocalClient) -> Iterator[Any]:
    """A second, separate browser (own session storage) for another user."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport=VIEWPORT, base_url=stack.base_url, locale="de-CH")
        contexts.append(context)
        return context.new_page()

    yield make
    for c in contexts:
        c.close()


@pytest.fixture
def screen(axe_report: dict[str, Any]) -> Any:
    """screen(page, name): screenshot + axe-core; fails on any serious or critical violation."""

    def check(page: Any, name: str) -> list[dict[str, Any]]:
        page.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }", AXE_TAGS)
        counts: dict[str, int] = {}
        for v in result:
            counts[v["impact"] or "none"] = counts.get(v["impact"] or "none", 0) + 1
        axe_report[name] = {"violations": counts, "details": result}
        blocking = [v for v in result if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core on {name}: {json.dumps(blocking, indent=1, ensure_ascii=False)}"
        return result

    return check


def sign_in(page: Any, role: str, subject: str | None = None, tenant: str | None = None) -> None:
    """The development sign-in, as a person uses it: the code flow with PKCE through the local
    issuer's sign-in page (/local/oauth2/authorize), back to the app with a code."""
    page.goto("/")
    page.get_by_role("heading", name="Anmelden").wait_for()
    page.get_by_role("button", name="Weiter zur Entwicklungs-Anmeldung").click()
    page.wait_for_url("**/local/oauth2/authorize?**")
    page.get_by_role("radio", name=ROLE_LABELS[role]).check()
    if subject:
        page.get_by_label("Benutzerkennung").fill(subject)
    if tenant is not None:
        page.get_by_label("Gemeinde / Einheit").fill(tenant)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_test_id("who").wait_for()


ROLE_LABELS = {"caseworker": "Sachbearbeitung", "teamlead": "Teamleitung",
               "municipality": "Gemeinde (Einwohnerkontrolle)", "police": "Polizei",
               "scanner": "Scan-Dienstleister", "auditor": "Revision", "ops": "Betrieb"}
