"""The dossier's actions in a real browser against the running local stack: a caseworker reports a
permit decision to the federal register (with the keyboard alone) and follows it to ACKNOWLEDGED
from the local federal stand-in; a team lead moves a dossier to another team, after which a
caseworker of the old team no longer finds it. Screenshots and axe-core on every new state."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from eakte.local.client import LocalClient
from samples.events import event_person, person_event
from tests.e2e.web.conftest import sign_in

pytestmark = pytest.mark.e2e

# Zürich routes to team-a, the demo caseworker's team (not Winterthur: test_web.py counts its submissions)
TENANT = "bfs-261"
_run = uuid.uuid4().hex[:8]
_persons = iter(range(900_000 + int(time.time()) % 50_000 * 8, 10**7))
ACK_TIMEOUT_MS = 90_000


def person_with_dossier(stack: LocalClient) -> tuple[str, str, str]:
    """A municipality reports a person's arrival; returns (dossier id, surname, AHV number) once the
    arrival is filed and forwarded (its dossier exists, in team-a)."""
    person = event_person(next(_persons))
    sender = stack.token("gemeinde-zuerich", ["municipality"], municipality=TENANT)
    submission_id = stack.upload(sender, "arrival.xml", person_event(person, 0, run=_run), "application/xml")
    deadline = time.monotonic() + 120
    while True:
        items = stack.get(sender, "/api/messages", submissionId=submission_id)["items"]
        if items and items[0].get("dossierId"):
            return items[0]["dossierId"], person.surname, person.ahv
        assert time.monotonic() < deadline, "the arrival was never filed"
        time.sleep(0.5)


def tab_to(page: Any, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} was not reached with the Tab key")


def test_caseworker_reports_a_permit_decision_and_sees_it_acknowledged(
        page: Any, stack: LocalClient, screen: Any) -> None:
    dossier_id, surname, _ = person_with_dossier(stack)
    sign_in(page, "caseworker")
    page.goto(f"/#/dossier/{dossier_id}")
    page.get_by_role("heading", name=re.compile(f"^Akte {surname}")).wait_for()
    form = page.get_by_test_id("federal-form")
    form.get_by_role("heading", name="Meldung an das SEM (ZEMIS)").wait_for()
    assert page.get_by_test_id("dossier-team").inner_text() == "Team A"
    assert page.get_by_test_id("team-move").count() == 0  # moving dossiers is for team leads
    screen(page, "dossier-federal-form")

    # keyboard alone, from the screen's heading: the event (radio group), the permit, the dates,
    # the comment, the button
    page.wait_for_function("document.activeElement.tagName === 'H1'")
    tab_to(page, "federal-event")
    page.keyboard.press("ArrowDown")  # → correction
    assert page.evaluate("document.querySelector('input[name=federal-event]:checked').value") == \
        "correctResidencePermit"
    page.keyboard.press("ArrowUp")  # → new permit decision
    assert page.evaluate("document.activeElement.value") == "changeResidencePermit"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "federal-residencePermit"
    tab_to(page, "federal-comment")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the button, nothing chosen yet: the form says so at the field, sends nothing
    error = form.get_by_text("Bitte eine Ausweiskategorie wählen.")
    error.wait_for()
    assert page.evaluate("document.activeElement.id") == "federal-residencePermit"  # focus to the field
    assert page.get_by_label("Ausweiskategorie (eCH-0006)").get_attribute("aria-invalid") == "true"
    screen(page, "dossier-federal-invalid")

    for _ in range(2):
        page.keyboard.press("ArrowDown")  # "Bitte wählen" → B (02) → C (03)
    assert page.get_by_label("Ausweiskategorie (eCH-0006)").input_value() == "03"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "federal-residencePermitValidFrom"
    page.keyboard.type("11112026")  # day and month alike: the same in Chromium's dd.mm and mm/dd orders
    assert page.get_by_label("Gültig ab").input_value() == "2026-11-11"
    tab_to(page, "federal-comment")
    page.keyboard.type("Niederlassungsbewilligung C erteilt")

    # a refusal as the API words it (422 with the validator's path). The form offers only codes and
    # dates the schema accepts, so the browser is handed the API's answer here; the real API's 422
    # is covered by tests/integration/test_exchange_handlers.py and the vitest component tests.
    refusal = {"error": {"code": "schema_invalid", "message": (
        "schema_invalid at /eCH-0020:delivery/eCH-0020:changeResidencePermit/eCH-0020:residencePermitData/"
        "eCH-0011:residencePermit: [facet 'enumeration'] the value is not accepted; schema eCH-0020-3-0")}}
    sent_ids: list[str] = []

    def refuse(route: Any) -> None:
        sent_ids.append(json.loads(route.request.post_data)["requestId"])
        route.fulfill(status=422, content_type="application/json", body=json.dumps(refusal))

    page.route("**/api/dossiers/*/messages", refuse)
    page.keyboard.press("Tab")
    # wait until the focus has settled on the button (the live status re-renders the screen meanwhile)
    expect(form.locator("button[type=submit]")).to_be_focused()
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/messages")):
        page.keyboard.press("Enter")
    shown = page.get_by_test_id("federal-refusal")
    shown.wait_for()
    assert "/eCH-0011:residencePermit" in shown.inner_text() and "schema_invalid" in shown.inner_text()
    screen(page, "dossier-federal-refused")
    page.unroute("**/api/dossiers/*/messages")

    requests: list[dict[str, Any]] = []
    page.on("request", lambda r: requests.append(json.loads(r.post_data)) if r.method == "POST"
            and r.url.endswith(f"/api/dossiers/{dossier_id}/messages") else None)
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")  # the same submission again: the same request id
    form.get_by_role("status").get_by_text(re.compile("^Meldung erfasst")).wait_for()
    assert [r["requestId"] for r in requests] == sent_ids  # one id per submission, kept on a repeat
    assert requests[0]["residencePermit"] == "03" and requests[0]["residencePermitValidFrom"] == "2026-11-11"
    entry = page.get_by_test_id("timeline").locator("li[data-message-id]", has_text="Bewilligungsentscheid")
    entry.wait_for()
    message_id = entry.get_attribute("data-message-id")
    screen(page, "dossier-federal-sent")

    # live: QUEUED → SENT → ACKNOWLEDGED without reloading, from the federal stand-in's receipt
    page.wait_for_function("id => document.querySelector(`[data-message-id='${id}']`)?.dataset.status"
                           " === 'ACKNOWLEDGED'", arg=message_id, timeout=ACK_TIMEOUT_MS)
    assert "Quittiert" in entry.inner_text() and "Bewilligungsentscheid" in entry.inner_text()
    screen(page, "dossier-federal-acknowledged")
    reader = stack.token("sachbearbeiterin", ["caseworker"], team="team-a")
    done = stack.get(reader, f"/api/messages/{message_id}")
    assert [h["status"] for h in done["history"]] == ["QUEUED", "SENT", "ACKNOWLEDGED"]
    assert done["originator"] == "sachbearbeiterin" and done["receipt"]["statusCode"] == 100

    page.get_by_role("link", name="Meldungen").click()
    page.get_by_role("heading", name="Meldungen an das SEM (ZEMIS)").wait_for()
    row = page.locator(f"[data-testid=messages-table] tr[data-message-id='{message_id}']")
    row.wait_for()
    assert row.get_attribute("data-status") == "ACKNOWLEDGED" and "Quittiert" in row.inner_text()
    assert "Bewilligungsentscheid" in row.inner_text()


def test_team_lead_moves_a_dossier_and_the_old_team_no_longer_finds_it(
        page: Any, new_page: Any, stack: LocalClient, screen: Any) -> None:
    dossier_id, surname, ahv = person_with_dossier(stack)
    worker = new_page()
    sign_in(worker, "caseworker")  # team-a
    worker.get_by_role("heading", name="Personensuche").wait_for()
    worker.get_by_label("Referenznummer (Pass, ZEMIS, AHV)").press_sequentially(ahv, delay=20)
    results = worker.get_by_test_id("search-results")
    results.wait_for()
    assert dossier_id in results.inner_text() and "Team A" in results.inner_text()
    screen(worker, "search-team")

    sign_in(page, "teamlead")
    page.goto(f"/#/dossier/{dossier_id}")
    page.get_by_role("heading", name=re.compile(f"^Akte {surname}")).wait_for()
    assert page.get_by_test_id("dossier-team").inner_text() == "Team A"
    target = page.get_by_label("Neues Team")
    page.wait_for_function("() => document.querySelectorAll('#team-target option').length > 1")
    screen(page, "dossier-teamlead")
    # keyboard alone: to the team choice, pick team B, a reason, the button
    page.wait_for_function("document.activeElement.tagName === 'H1'")
    tab_to(page, "team-target")
    page.keyboard.press("ArrowDown")  # "Team wählen" → Team B (team A is the current one)
    assert target.input_value() == "team-b"
    page.keyboard.press("Tab")
    page.keyboard.type("Zuständigkeit Asyl (Team B)")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Die Akte gehört jetzt zu Team B.").wait_for()
    assert page.get_by_test_id("dossier-team").inner_text() == "Team B"
    screen(page, "dossier-team-moved")

    # the caseworker of team A: the dossier is gone from the search and cannot be opened
    worker.get_by_label("Referenznummer (Pass, ZEMIS, AHV)").fill("")
    worker.get_by_label("Referenznummer (Pass, ZEMIS, AHV)").press_sequentially(ahv, delay=20)
    worker.get_by_text("Keine Person gefunden.").wait_for()
    screen(worker, "search-after-move")
    worker.goto(f"/#/dossier/{dossier_id}")
    worker.get_by_role("alert").wait_for()
    assert "not found" in worker.get_by_role("alert").inner_text()

    auditor = stack.token("revision", ["auditor"])
    moves = [e for e in stack.get(auditor, "/api/audit", dossierId=dossier_id)["items"]
             if e["action"] == "reassign_dossier"]
    assert len(moves) == 1 and moves[0]["actor"] == "teamleitung" and "Asyl" in (moves[0]["reason"] or "")
