import { cleanup, fireEvent, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { screensFor } from "../src/app.jsx";
import { filterEvents } from "../src/screens/audit.jsx";
import { highlight, previewKind } from "../src/screens/document.jsx";
import { timeline } from "../src/screens/dossier.jsx";
import { InboxScreen, ranked } from "../src/screens/inbox.jsx";
import { searchQuery, SearchScreen } from "../src/screens/search.jsx";
import { steps, UploadScreen } from "../src/screens/upload.jsx";
import { fakeApi, renderWith } from "./helpers.jsx";

describe("person search", () => {
  afterEach(cleanup);

  it("asks the API only with enough input", () => {
    expect(searchQuery({ q: "al" })).toBeNull();
    expect(searchQuery({ q: "al has" })).toEqual({ q: "al has" });
    expect(searchQuery({ q: "", birthDate: "1991-03-14" })).toEqual({ birthDate: "1991-03-14" });
    expect(searchQuery({ ref: "N0" })).toBeNull();
    expect(searchQuery({ ref: " N018 " })).toEqual({ ref: "N018" });
  });

  it("shows results as the name is typed", async () => {
    const api = fakeApi({ "GET /api/dossiers": { items: [
      { dossierId: "D-1", surname: "AL HASSAN", givenNames: "RAMI", birthDate: "1991-03-14", referenceNumbers: { documentNumber: "N1" } },
    ] } });
    renderWith(<SearchScreen />, { api });
    fireEvent.input(screen.getByLabelText("Name"), { target: { value: "hass" } });
    const link = await screen.findByRole("link", { name: "AL HASSAN" });
    expect(link.getAttribute("href")).toBe("#/dossier/D-1");
    expect(api.calls.at(-1)).toEqual({ method: "GET", path: "/api/dossiers", arg: { q: "hass" } });
    expect(screen.getByText("1 Treffer")).toBeTruthy();
    expect(screen.getByText("14.03.1991")).toBeTruthy();
  });

  it("says when more persons match than are listed", async () => {
    const items = Array.from({ length: 25 }, (_, i) => ({ dossierId: `D-${i}`, surname: "YOUSSEF", givenNames: `N${i}` }));
    renderWith(<SearchScreen />, { api: fakeApi({ "GET /api/dossiers": { items, truncated: true } }) });
    fireEvent.input(screen.getByLabelText("Name"), { target: { value: "youssef" } });
    expect(await screen.findByText(/^Mehr als 25 Treffer/)).toBeTruthy();
  });
});

describe("inbox", () => {
  const doc = {
    documentId: "doc-1", status: "NEEDS_REVIEW", filename: "vertrag.png", documentType: "employment_contract",
    confidence: 0.4, receivedAt: "2026-01-05T10:00:00Z", reason: "low_confidence",
    candidates: [{ dossierId: "D-2", score: 0.3, reason: "surname matches" }, { dossierId: "D-1", score: 0.95, reason: "surname and birth date match" }],
  };

  it("ranks candidates best first", () => {
    expect(ranked(doc.candidates).map((c) => c.dossierId)).toEqual(["D-1", "D-2"]);
  });

  it("keeps the server's order among equal scores (the person the uploader named first)", () => {
    const tied = [{ dossierId: "D-9", score: 0.7, reason: "named by the uploader" },
      { dossierId: "D-1", score: 0.7, reason: "name 1.00" }, { dossierId: "D-5", score: 0.9, reason: "name 0.95" }];
    expect(ranked(tied).map((c) => c.dossierId)).toEqual(["D-5", "D-9", "D-1"]);
  });

  it("sets the type and assigns the dossier in two clicks", async () => {
    let inbox = [doc];
    const api = fakeApi({
      "GET /api/inbox": () => ({ items: inbox }),
      "GET /api/dossiers/D-1": { surname: "AL HASSAN", givenNames: "RAMI" },
      "GET /api/dossiers/D-2": { surname: "HASSAN", givenNames: "OMAR" },
      "PATCH /api/documents/doc-1": () => { inbox = []; return {}; },
    });
    renderWith(<InboxScreen />, { api });
    const select = await screen.findByLabelText("Typ von vertrag.png");
    fireEvent.change(select, { target: { value: "payslip" } });
    const buttons = await screen.findAllByRole("button", { name: /^Zuordnen/ });
    expect(buttons[0].textContent).toBe("Zuordnen: AL HASSAN, RAMI");  // best candidate first
    fireEvent.click(buttons[0]);
    await screen.findByText("vertrag.png: gespeichert.");
    expect(api.calls.find((c) => c.method === "PATCH")).toEqual(
      { method: "PATCH", path: "/api/documents/doc-1", arg: { documentType: "payslip", dossierId: "D-1" } });
    expect(screen.getByText("Der Eingang ist leer.")).toBeTruthy();
  });

  it("offers a search for another dossier beside the proposals", async () => {
    const api = fakeApi({
      "GET /api/inbox": () => ({ items: [doc] }),
      "GET /api/dossiers/D-1": { surname: "AL HASSAN", givenNames: "RAMI" },
      "GET /api/dossiers/D-2": { surname: "HASSAN", givenNames: "OMAR" },
    });
    renderWith(<InboxScreen />, { api });
    await screen.findAllByRole("button", { name: /^Zuordnen/ });
    expect(screen.getByLabelText("Akte suchen für vertrag.png")).toBeTruthy();  // the right one may be none of them
    expect(screen.getByText("Eine andere Akte suchen:")).toBeTruthy();
  });
});

describe("uploads", () => {
  it("shows the steps up to the final status", () => {
    expect(steps("OCR_DONE").map((s) => [s.name, s.done])).toEqual(
      [["RECEIVED", true], ["OCR_DONE", true], ["CLASSIFIED", false], ["INDEXED", false]]);
    expect(steps("REJECTED").at(-1)).toEqual({ name: "REJECTED", done: true, current: true });
    expect(steps("UPLOADING").every((s) => !s.done)).toBe(true);
  });

  it("uploads every dropped file and follows it to its final status", async () => {
    let polls = 0;
    const api = fakeApi({
      "GET /api/submissions": { items: [] },
      "POST /api/uploads": (body) => ({ submissionId: `s-${body.filename}`, upload: { url: "http://s3.test", fields: { key: "k" } } }),
      "GET /api/submissions/s-a.pdf": () => ({ status: "COMPLETED", documents: [{ status: ++polls > 1 ? "INDEXED" : "OCR_DONE" }] }),
      "GET /api/submissions/s-b.xml": { status: "REJECTED", documents: [{ status: "REJECTED", reason: "malformed_xml" }] },
    });
    class OkXhr {
      upload = {};
      open() {}
      send() { this.upload.onprogress({ lengthComputable: true, loaded: 1, total: 1 }); this.status = 204; this.onload(); }
    }
    vi.stubGlobal("XMLHttpRequest", OkXhr);
    const { container } = renderWith(<UploadScreen />, { api });
    const files = [new File(["%PDF"], "a.pdf"), new File(["<x"], "b.xml")];
    fireEvent.drop(screen.getByTestId("dropzone"), { dataTransfer: { files } });
    await screen.findByText("Die Meldung ist kein gültiges XML.");
    await waitFor(() => expect(container.querySelector("[data-file='a.pdf']").dataset.status).toBe("INDEXED"), { timeout: 3000 });
    const posts = api.calls.filter((c) => c.method === "POST").map((c) => c.arg);
    expect(posts).toEqual([
      { kind: "scan", filename: "a.pdf", contentType: "application/pdf", size: 4 },
      { kind: "message", filename: "b.xml", contentType: "application/xml", size: 2 },
    ]);
    vi.unstubAllGlobals();
  });
});

describe("document viewer", () => {
  it("marks extracted values as whole words in the OCR text", () => {
    const parts = highlight("SYRIAN ARAB REPUBLIC\nP SYR N01874562", {
      nationality: { value: "SYR" }, documentNumber: { value: "N01874562" } });
    expect(parts.filter((p) => p.field).map((p) => [p.text, p.field])).toEqual(
      [["SYR", "nationality"], ["N01874562", "documentNumber"]]);
    expect(parts.map((p) => p.text).join("")).toBe("SYRIAN ARAB REPUBLIC\nP SYR N01874562");
  });

  it("marks ISO dates also in their written form", () => {
    const parts = highlight("Geburtsdatum: 14.03.1991", { birthDate: { value: "1991-03-14" } });
    expect(parts.filter((p) => p.field).map((p) => p.text)).toEqual(["14.03.1991"]);
  });

  it("shows every scan type page by page, messages not", () => {
    for (const type of ["image/jpeg", "image/png", "application/pdf", "image/tiff"]) expect(previewKind(type)).toBe("pages");
    expect(previewKind("application/xml")).toBe("none");
  });
});

describe("dossier timeline and audit filters", () => {
  it("orders newest first and filters by type", () => {
    const docs = [
      { documentId: "a", receivedAt: "2026-01-01T00:00:00Z", documentType: "passport" },
      { documentId: "b", receivedAt: "2026-02-01T00:00:00Z", documentType: "payslip" },
    ];
    expect(timeline(docs, [], "").map((e) => e.item.documentId)).toEqual(["b", "a"]);
    expect(timeline(docs, [], "passport").map((e) => e.item.documentId)).toEqual(["a"]);
    expect(timeline(docs, [{ messageId: "m", createdAt: "2026-03-01T00:00:00Z" }], "").map((e) => e.kind))
      .toEqual(["message", "document", "document"]);
  });

  it("filters audit events by action and actor", () => {
    const events = [{ action: "read_dossier", actor: "Anna" }, { action: "search_dossiers", actor: "anna" },
      { action: "read_dossier", actor: "Bruno" }];
    expect(filterEvents(events, { action: "read_dossier", actor: "" })).toHaveLength(2);
    expect(filterEvents(events, { action: "", actor: "ANN" })).toHaveLength(2);
  });

  it("gives each role only its screens", () => {
    expect(screensFor(["municipality"])).toEqual(["upload"]);
    expect(screensFor(["caseworker"])).toEqual(["search", "inbox", "messages"]);
    expect(screensFor(["auditor"])).toEqual(["audit"]);
    expect(screensFor(["ops"])).toEqual([]);
  });
});

describe("federal messages", async () => {
  const { MessagesScreen } = await import("../src/screens/messages.jsx");

  it("lists messages with status and receipt", async () => {
    const api = fakeApi({ "GET /api/messages": { items: [{
      messageId: "m1", kind: "forward", messageType: "eCH-0020", event: "moveIn", status: "ACKNOWLEDGED",
      createdAt: "2026-01-05T10:00:00Z", dossierId: "D-1",
      receipt: { statusCode: 1, statusInfo: "accepted", receivedAt: "2026-01-05T10:01:00Z" },
    }] } });
    renderWith(<MessagesScreen />, { api });
    const table = await screen.findByTestId("messages-table");
    expect(table.textContent).toContain("eCH-0020 · moveIn");
    expect(table.textContent).toContain("Quittiert");
    expect(table.textContent).toContain("1 accepted");
    expect(screen.getByRole("link", { name: "D-1" }).getAttribute("href")).toBe("#/dossier/D-1");
  });

  it("says so when the messages API is not there", async () => {
    const { ApiError } = await import("../src/api.js");
    renderWith(<MessagesScreen />, { api: fakeApi({ "GET /api/messages": new ApiError(404, "no_route", "no") }) });
    await screen.findByText("Der Meldungsaustausch ist in dieser Umgebung noch nicht verfügbar.");
  });
});
