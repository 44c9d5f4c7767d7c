"""The web app in a real browser against the running local stack (see conftest.py)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from eakte.local.client import ApiError, LocalClient
from eakte.local.stack import repo_root
from tests.e2e.web.conftest import sign_in

pytestmark = pytest.mark.e2e

SCANS = repo_root() / "samples" / "scans"
# the passport opens Rami AL HASSAN's dossier; the payslip names him only by name (no birth date,
# no number, an address his dossier does not know) and Emre Yildiz of the police report has no
# dossier: both wait in the caseworker's inbox
PAYSLIP = "lohnabrechnung_al_hassan.png"
THREE_FILES = ["passport_data_page.jpg", PAYSLIP, "police_report_de.tiff"]
PAYSLIP_LINES = ["Brunner Haustechnik GmbH", "Industriestrasse 21, 8404 Winterthur", "", "Herr",
                 "Rami Al Hassan", "Rosenweg 3", "8405 Winterthur", "", "Lohnabrechnung März 2026",
                 "Monatslohn brutto CHF 5'600.00", "AHV/IV/EO 5.30 % CHF -296.80", "ALV 1.10 % CHF -61.60",
                 "BVG CHF -312.00", "Nettolohn CHF 4'929.60"]
TENANT = "bfs-230"
FINAL = {"INDEXED", "NEEDS_REVIEW", "REJECTED", "FAILED"}
PIPELINE_TIMEOUT_MS = 150_000


@pytest.fixture(scope="module")
def uploaded(browser: Any, stack: LocalClient, axe_report: dict[str, Any],
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A municipality drops three scans on the upload screen and watches them through the pipeline."""
    from tests.conftest import encode, text_image
    from tests.e2e.web.conftest import VIEWPORT

    folder = tmp_path_factory.mktemp("scans")
    (folder / PAYSLIP).write_bytes(encode(text_image(PAYSLIP_LINES), "PNG"))
    files = {name: (folder if name == PAYSLIP else SCANS) / name for name in THREE_FILES}

    context = browser.new_context(viewport=VIEWPORT, base_url=stack.base_url, locale="de-CH")
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, "municipality", subject="gemeinde-winterthur", tenant=TENANT)
    page.get_by_role("heading", name="Dokumente und Meldungen einreichen").wait_for()
    page.locator("input[type=file]").set_input_files([str(files[name]) for name in THREE_FILES])
    items = page.get_by_test_id("upload-item")
    items.nth(len(THREE_FILES) - 1).wait_for()
    statuses: dict[str, str] = {}
    for name in THREE_FILES:
        item = page.locator(f"[data-testid=upload-item][data-file='{name}']")
        page.wait_for_function(
            "([el, final]) => final.includes(el.dataset.status)",
            arg=[item.element_handle(), sorted(FINAL)], timeout=PIPELINE_TIMEOUT_MS)
        statuses[name] = item.get_attribute("data-status")
        assert item.locator("progress").evaluate("p => p.value") == 1
    history = page.get_by_test_id("submissions").inner_text()
    submission_ids = page.evaluate(
        "async () => { const s = JSON.parse(sessionStorage.getItem('eakte.session'));"
        " const r = await fetch('/api/submissions', {headers: {Authorization: 'Bearer ' + s.token}});"
        " return (await r.json()).items.map(i => i.submissionId); }")
    # the passport's dossier: other tests file other AL HASSANs (variants of the sample persons)
    reader = stack.token("sachbearbeiterin", ["caseworker"], team="team-a")
    passport_dossier = next(
        stack.get(reader, f"/api/documents/{d['documentId']}")["dossierId"]
        for sid in submission_ids for d in stack.get(reader, f"/api/submissions/{sid}")["documents"]
        if stack.get(reader, f"/api/documents/{d['documentId']}")["filename"] == "passport_data_page.jpg")
    assert passport_dossier, "the passport opened no dossier"
    result = {"statuses": statuses, "history": history, "submission_ids": submission_ids,
              "passport_dossier": passport_dossier,
              "steps": {name: page.locator(f"[data-testid=upload-item][data-file='{name}'] .steps").inner_text()
                        for name in THREE_FILES}}
    result["page"] = page
    yield result
    context.close()


def test_municipality_uploads_three_files_and_sees_them_through(uploaded: dict[str, Any], screen: Any) -> None:
    statuses = uploaded["statuses"]
    assert statuses["passport_data_page.jpg"] == "INDEXED"
    assert statuses[PAYSLIP] == "NEEDS_REVIEW"
    assert statuses["police_report_de.tiff"] == "NEEDS_REVIEW"
    # the live steps end at the document's final status
    assert "Abgelegt" in uploaded["steps"]["passport_data_page.jpg"]
    assert "Zur Prüfung" in uploaded["steps"]["police_report_de.tiff"]
    for name in THREE_FILES:
        assert name in uploaded["history"]
    assert len(uploaded["submission_ids"]) == 3
    screen(uploaded["page"], "upload")


def test_municipality_cannot_see_another_municipalitys_submissions(
        uploaded: dict[str, Any], page: Any, stack: LocalClient, screen: Any) -> None:
    sign_in(page, "municipality", subject="gemeinde-uster", tenant="bfs-198")
    page.get_by_text("Noch keine Einreichungen.").wait_for()
    body = page.locator("main").inner_text()
    for name in THREE_FILES:
        assert name not in body
    # nor by asking the API directly from the page with its own token
    status = page.evaluate(
        "async (id) => { const s = JSON.parse(sessionStorage.getItem('eakte.session'));"
        " const r = await fetch('/api/submissions/' + id, {headers: {Authorization: 'Bearer ' + s.token}});"
        " return r.status; }", uploaded["submission_ids"][0])
    assert status == 404
    screen(page, "upload-other-municipality")
    # and a municipality may not open the caseworker's screens
    page.goto("/#/inbox")
    page.get_by_text("Diese Ansicht ist für Ihre Rolle nicht verfügbar.").wait_for()
    other = stack.token("gemeinde-uster", ["municipality"], municipality="bfs-198")
    with pytest.raises(ApiError) as e:
        stack.get(other, "/api/inbox")
    assert e.value.status == 403


def test_caseworker_finds_person_opens_document_and_corrects_from_inbox(
        uploaded: dict[str, Any], page: Any, screen: Any) -> None:
    sign_in(page, "caseworker")
    page.get_by_role("heading", name="Personensuche").wait_for()
    screen(page, "search-empty")
    # results as you type, no button; spelled as heard ('Alhasan' for the dossier's Al Hassan)
    page.get_by_label("Name", exact=True).press_sequentially("alhasan", delay=40)
    results = page.get_by_test_id("search-results")
    results.wait_for()
    assert "AL HASSAN" in results.inner_text()
    screen(page, "search")

    results.locator(f"a[href='#/dossier/{uploaded['passport_dossier']}']").click()
    page.get_by_role("heading", name=re.compile(r"^Akte AL HASSAN")).wait_for()
    dossier_url = page.url
    timeline = page.get_by_test_id("timeline")
    assert "passport_data_page.jpg" in timeline.inner_text()
    assert "Reisepass" in timeline.inner_text()
    screen(page, "dossier")

    timeline.get_by_role("link", name="passport_data_page.jpg").click()
    page.get_by_role("heading", name="Dokument passport_data_page.jpg").wait_for()
    ocr = page.get_by_test_id("ocr-text")
    assert "P<SYR" in ocr.inner_text().replace(" ", "")
    assert ocr.locator("mark").count() >= 1  # extracted fields highlighted in the text
    page.locator("img.page").wait_for()
    page.wait_for_function("() => document.querySelector('img.page')?.naturalWidth > 0")
    # the MRZ and printed values are boxed on the photo of the data page
    assert page.get_by_test_id("field-box").count() >= 5
    download = page.get_by_test_id("download")
    href = download.get_attribute("href")
    assert href and href.startswith("http://127.0.0.1:")
    screen(page, "document")

    # the inbox: set the type and assign the dossier
    page.get_by_role("link", name="Eingang").click()
    page.get_by_role("heading", name="Eingang: Dokumente zur Prüfung").wait_for()
    item = page.locator(f"[data-testid=inbox-item][data-file='{PAYSLIP}']")
    item.wait_for()
    screen(page, "inbox")
    item.get_by_test_id("type-select").select_option("correspondence")  # click 1
    candidate = item.locator(f"button[data-dossier='{uploaded['passport_dossier']}']")
    if candidate.count() == 0:  # not among the ranked candidates: find the dossier by name
        item.get_by_role("searchbox").fill("Hassan")
        candidate.wait_for()
    candidate.click()  # click 2
    page.get_by_text(f"{PAYSLIP}: gespeichert.").wait_for()
    expect(page.locator(f"[data-testid=inbox-item][data-file='{PAYSLIP}']")).to_have_count(0)
    screen(page, "inbox-after-correction")

    # a two-page TIFF original: page images, switched with the keyboard
    page.get_by_role("link", name="police_report_de.tiff").click()
    page.get_by_role("heading", name="Dokument police_report_de.tiff").wait_for()
    page.get_by_role("img", name="Seite 1 von 2 des Dokuments police_report_de.tiff").wait_for()
    next_page = page.get_by_role("button", name="Nächste Seite")
    next_page.focus()
    page.keyboard.press("Enter")
    page.get_by_role("img", name="Seite 2 von 2 des Dokuments police_report_de.tiff").wait_for()
    page.keyboard.press("PageUp")
    page.get_by_role("img", name="Seite 1 von 2 des Dokuments police_report_de.tiff").wait_for()
    assert "Polizei" in page.get_by_test_id("ocr-text").inner_text()
    assert page.get_by_test_id("download").get_attribute("href")
    screen(page, "document-tiff")

    # the correction shows in the dossier, and the type filter finds it
    page.goto(dossier_url)
    page.get_by_role("heading", name=re.compile(r"^Akte AL HASSAN")).wait_for()
    entry = page.locator("[data-testid=timeline] li", has_text=PAYSLIP)
    entry.wait_for()
    assert entry.get_attribute("data-type") == "correspondence"
    assert "Korrespondenz" in entry.inner_text()
    page.get_by_label("Dokumenttyp").select_option("correspondence")
    assert page.locator("[data-testid=timeline] li").count() == 1
    screen(page, "dossier-filtered")


def test_pdf_page_with_highlighted_fields(uploaded: dict[str, Any], page: Any, stack: LocalClient,
                                         screen: Any) -> None:
    """A PDF in the viewer: the rendered page with the extracted fields boxed over it; pointing at
    a field in the list highlights its box and the other way round."""
    sender = stack.token("gemeinde-winterthur", ["municipality"], municipality=TENANT)
    pdf = SCANS / "residence_permit_application_de.pdf"
    submission_id = stack.upload(sender, pdf.name, pdf.read_bytes())
    document_id = stack.wait(sender, submission_id, timeout_s=PIPELINE_TIMEOUT_MS / 1000)["documents"][0]["documentId"]

    sign_in(page, "caseworker")
    page.goto(f"/#/document/{document_id}")
    page.get_by_role("heading", name=f"Dokument {pdf.name}").wait_for()
    image = page.get_by_role("img", name=f"Seite 1 von 2 des Dokuments {pdf.name}")
    image.wait_for()
    page.wait_for_function("() => document.querySelector('img.page')?.naturalWidth > 1000")
    boxes = page.get_by_test_id("field-box")
    assert boxes.count() >= 4
    # every box lies on the page image
    frame = page.get_by_test_id("page-frame").bounding_box()
    for i in range(boxes.count()):
        b = boxes.nth(i).bounding_box()
        assert frame["x"] - 1 <= b["x"] and b["x"] + b["width"] <= frame["x"] + frame["width"] + 1
        assert frame["y"] - 1 <= b["y"] and b["y"] + b["height"] <= frame["y"] + frame["height"] + 1
    # the birth date's box is where the page prints it: hover the list entry, the box lights up
    row = page.locator("tr[data-field=birthDate]")
    row.get_by_test_id("field-value").hover()
    expect(page.locator(".field-box.active[data-field=birthDate]")).to_have_count(1)
    # and focusing the box (keyboard) marks its row
    page.get_by_role("button", name=re.compile(r"^Name: ")).first.focus()
    expect(page.locator("tr.active[data-field=surname]")).to_have_count(1)
    page.locator("tr[data-field=birthDate]").hover()
    screen(page, "document-pdf")


def test_auditor_sees_who_searched_and_filters(page: Any, stack: LocalClient, screen: Any) -> None:
    reader = stack.token("sachbearbeiter-audit", ["caseworker"], team="team-a")
    stack.get(reader, "/api/dossiers", q="Kovalenko")
    sign_in(page, "auditor")
    page.get_by_role("heading", name=re.compile("^Protokoll")).wait_for()
    table = page.get_by_test_id("audit-table")
    table.wait_for()
    assert "sachbearbeiter-audit" in table.inner_text()
    page.get_by_label("Person").fill("sachbearbeiter-audit")
    page.get_by_label("Tätigkeit").select_option("search_dossiers")
    rows = table.locator("tbody tr")
    assert rows.count() >= 1
    assert all("Personen gesucht" in rows.nth(i).inner_text() for i in range(rows.count()))
    assert "Kovalenko" in table.inner_text()
    screen(page, "audit")
    # the auditor sees no upload or caseworker screens
    assert page.get_by_role("link", name="Eingang").count() == 0


def test_messages_screen_and_french(page: Any, stack: LocalClient, screen: Any) -> None:
    sender = stack.token("gemeinde-winterthur", ["municipality"], municipality=TENANT)
    message = repo_root() / "samples" / "messages" / "ech0020_move_in.xml"
    stack.upload(sender, message.name, message.read_bytes())
    reader = stack.token("sachbearbeiterin", ["caseworker"], team="team-a")
    deadline = time.monotonic() + 90
    while not stack.get(reader, "/api/messages")["items"]:
        assert time.monotonic() < deadline, "the message never reached the federal exchange"
        time.sleep(0.5)

    sign_in(page, "caseworker")
    page.get_by_role("link", name="Meldungen").click()
    page.get_by_role("heading", name="Meldungen an das SEM (ZEMIS)").wait_for()
    table = page.get_by_test_id("messages-table")
    table.wait_for()
    row = table.locator("tbody tr").first
    text, status = row.inner_text(), row.get_attribute("data-status")
    assert "2020" in text, text  # the sedex message type of an eCH-0020 delivery
    assert "An den Bund" in text, text
    assert status in {"QUEUED", "SENT", "ACKNOWLEDGED"}, (status, text)
    screen(page, "messages")
    page.get_by_label("Sprache").select_option("fr-CH")
    page.get_by_role("heading", name=re.compile("^Annonces au SEM")).wait_for()
    assert page.evaluate("document.documentElement.lang") == "fr-CH"
    page.get_by_role("link", name="Recherche de personnes").click()
    page.get_by_role("heading", name="Recherche de personnes").wait_for()
    screen(page, "search-fr")


def test_sign_in_with_the_keyboard_alone(page: Any, screen: Any) -> None:
    page.goto("/")
    page.get_by_role("heading", name="Anmelden").wait_for()
    screen(page, "signin")
    assert "Entwicklungs-Anmeldung" in page.get_by_role("note").inner_text()
    # the screen's heading takes the focus; from there Tab to the button, Enter: to the local
    # issuer's sign-in page (the code flow); there Tab to the role group, arrow to "Revision"
    # (auditor), Enter
    page.wait_for_function("document.activeElement.tagName === 'H1'")
    for _ in range(10):
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/local/oauth2/authorize?**")
    page.get_by_role("heading", name="Anmelden").wait_for()
    for _ in range(10):
        if page.evaluate("document.activeElement.name") == "role":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "caseworker"
    for _ in range(4):
        page.keyboard.press("ArrowDown")  # caseworker → teamlead → municipality → police → scanner
    page.keyboard.press("ArrowDown")  # → auditor
    assert page.evaluate("document.activeElement.value") == "auditor"
    page.keyboard.press("Enter")  # submits the form
    page.get_by_role("heading", name=re.compile("^Protokoll")).wait_for()
    # the screen's heading has the focus, so a screen reader announces the new screen
    assert page.evaluate("document.activeElement.tagName") == "H1"


# Last in the file (and so in the browser tests): the scan it files does not disturb the ones above.
def test_municipality_states_whom_a_scan_concerns(page: Any, stack: LocalClient, screen: Any) -> None:
    sign_in(page, "municipality", subject="gemeinde-zuerich", tenant="bfs-261")
    page.get_by_role("heading", name="Dokumente und Meldungen einreichen").wait_for()
    page.get_by_text("Betroffene Person (freiwillig)").click()  # the block is closed at first
    page.get_by_label("Name", exact=True).fill("AL HASSAN")
    # a surname alone is not enough: nothing is uploaded, the screen says why
    page.locator("input[type=file]").set_input_files([str(SCANS / "passport_data_page.jpg")])
    page.get_by_test_id("person-blocked").wait_for()
    assert page.get_by_test_id("upload-item").count() == 0
    page.get_by_label("Vornamen").fill("Rami")
    page.get_by_label("Geburtsdatum").fill("1991-03-14")
    page.get_by_label("AHV-Nummer").fill("756.3047.5921.65")  # Rami AL HASSAN's (samples/generate.py)
    screen(page, "upload-person")
    page.locator("input[type=file]").set_input_files([str(SCANS / "passport_data_page.jpg")])
    item = page.locator("[data-testid=upload-item][data-file='passport_data_page.jpg']")
    expect(item).to_contain_text("Betrifft: AL HASSAN Rami, 14.03.1991, 756.3047.5921.65")
    page.wait_for_function("([el, final]) => final.includes(el.dataset.status)",
                           arg=[item.element_handle(), sorted(FINAL)], timeout=PIPELINE_TIMEOUT_MS)
    row = page.get_by_test_id("submissions").locator("tr", has_text="passport_data_page.jpg")
    expect(row.get_by_test_id("submission-concerns")).to_have_text("AL HASSAN Rami, 14.03.1991, 756.3047.5921.65")
    # as the API stored it
    reader = stack.token("gemeinde-zuerich", ["municipality"], municipality="bfs-261")
    [submission] = [s for s in stack.get(reader, "/api/submissions")["items"] if s["concerns"]]
    stated = {k: v for k, v in submission["concerns"].items() if v is not None}
    assert stated == {"surname": "AL HASSAN", "givenNames": "Rami", "birthDate": "1991-03-14",
                      "ahvNumber": "756.3047.5921.65"}
