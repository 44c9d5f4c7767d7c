import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/api.js";
import { DossierScreen } from "../src/screens/dossier.jsx";
import { FederalReportForm, newRequestId, PERMIT_CODES, reportBody, TeamPanel, validateReport } from "../src/screens/federal.jsx";
import { LOCALES, TABLE } from "../src/i18n.js";
import { fakeApi, renderWith } from "./helpers.jsx";

afterEach(cleanup);

const caseworker = { subject: "cw-1", groups: ["caseworker"], team: "team-a" };
const teamlead = { subject: "lead-1", groups: ["teamlead"], team: null };
const instant = () => Promise.resolve();
const dossier = {
  dossierId: "D-1", surname: "HADDAD", givenNames: "LINA", birthDate: "1990-02-03", nationality: "SYR",
  referenceNumbers: {}, team: "team-a", createdAt: "2026-01-05T10:00:00Z", documents: [],
};
const queued = { messageId: "m-1", kind: "forward", messageType: "2020", event: "changeResidencePermit",
  status: "QUEUED", createdAt: "2026-11-21T09:00:00Z", dossierId: "D-1", history: [] };

function fill({ permit = "03", from = "", till = "", comment = "" } = {}) {
  fireEvent.change(screen.getByLabelText("Ausweiskategorie (eCH-0006)"), { target: { value: permit } });
  if (from) fireEvent.input(screen.getByLabelText("Gültig ab"), { target: { value: from } });
  if (till) fireEvent.input(screen.getByLabelText("Gültig bis"), { target: { value: till } });
  if (comment) fireEvent.input(screen.getByLabelText("Bemerkung (höchstens 250 Zeichen)"), { target: { value: comment } });
}

const send = () => fireEvent.click(screen.getByRole("button", { name: "Melden" }));
const posts = (api) => api.calls.filter((c) => c.method === "POST");

describe("report to the federal register", () => {
  it("checks the form before asking the API", () => {
    expect(validateReport({ event: "changeResidencePermit", residencePermit: "" })).toEqual({ residencePermit: "federal.error.permit" });
    expect(validateReport({ event: "moveIn", residencePermit: "02" })).toHaveProperty("event");
    expect(validateReport({ event: "changeResidencePermit", residencePermit: "02", residencePermitValidFrom: "2026-05-01",
      residencePermitValidTill: "2026-01-01" })).toEqual({ residencePermitValidTill: "federal.error.dateOrder" });
    expect(validateReport({ event: "correctResidencePermit", residencePermit: "02", comment: "x".repeat(251) })).toHaveProperty("comment");
    expect(reportBody({ event: "changeResidencePermit", residencePermit: "02", residencePermitValidFrom: "",
      residencePermitValidTill: "2027-01-01", comment: "  " }, "rid-12345678")).toEqual({
      event: "changeResidencePermit", residencePermit: "02", residencePermitValidTill: "2027-01-01", requestId: "rid-12345678" });
    expect(newRequestId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("labels every permit code it offers in every language", () => {
    for (const locale of LOCALES) for (const code of PERMIT_CODES) expect(TABLE[locale][`permit.${code}`]).toBeTruthy();
    expect(TABLE["de-CH"]["federal.title"]).toBe("Meldung an das SEM (ZEMIS)");
    expect(TABLE["de-DE"]["federal.title"]).toBe("Meldung an das Ausländerzentralregister");
    expect(TABLE["fr-CH"]["federal.title"]).toBe("Annonce au SEM (SYMIC)");
  });

  it("shows field errors and sends nothing while the form is incomplete", async () => {
    const api = fakeApi();
    renderWith(<FederalReportForm dossierId="D-1" wait={instant} />, { api });
    send();
    const permit = screen.getByLabelText("Ausweiskategorie (eCH-0006)");
    expect(permit.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Bitte eine Ausweiskategorie wählen.").id).toBe(permit.getAttribute("aria-describedby"));
    fill({ permit: "02", from: "2026-05-01", till: "2026-01-01" });
    send();
    expect(screen.getByText("Das Ende der Gültigkeit liegt vor ihrem Beginn.")).toBeTruthy();
    expect(posts(api)).toEqual([]);
  });

  it("shows the API's refusal with the validator's path next to the form", async () => {
    const path = "schema_invalid at /eCH-0020:delivery/eCH-0020:changeResidencePermit/eCH-0020:residencePermitData/"
      + "eCH-0011:residencePermit: Element 'residencePermit': [facet 'enumeration'] The value '11' is not accepted";
    const api = fakeApi({ "POST /api/dossiers/D-1/messages": new ApiError(422, "schema_invalid", path) });
    renderWith(<FederalReportForm dossierId="D-1" wait={instant} />, { api });
    fill({ permit: "11", comment: "Entscheid vom 20.11." });
    send();
    const refusal = await screen.findByTestId("federal-refusal");
    expect(refusal.getAttribute("role")).toBe("alert");
    expect(within(refusal).getByText("schema_invalid")).toBeTruthy();
    expect(refusal.textContent).toContain("/eCH-0011:residencePermit");
    expect(refusal.textContent).toContain("es wurde nichts gesendet");
    expect(posts(api)).toHaveLength(1);  // a refusal is not retried
    expect(screen.getByLabelText("Ausweiskategorie (eCH-0006)").value).toBe("11");  // the input stays to correct it
  });

  it("repeats a failed request with the same request id, and a changed form gets a new one", async () => {
    let failures = 4;
    const api = fakeApi({ "POST /api/dossiers/D-1/messages": (body) => {
      if (failures-- > 0) throw failures % 2 ? new ApiError(503, "throttled", "busy") : new TypeError("Failed to fetch");
      return { ...queued, messageId: `m-${body.requestId}` };
    } });
    const ids = ["req-00000001", "req-00000002", "req-00000003"];
    const onSent = vi.fn();
    renderWith(<FederalReportForm dossierId="D-1" wait={instant} makeId={() => ids.shift()} onSent={onSent} />, { api });
    fill({ permit: "03", from: "2026-11-01" });
    send();
    await screen.findByText(/Der Dienst ist nicht erreichbar/);
    expect(posts(api).map((c) => c.arg.requestId)).toEqual(["req-00000001", "req-00000001", "req-00000001"]);
    send();  // the caseworker tries again: the same submission, the same id
    await screen.findByText("Meldung erfasst – Status: In Warteschlange. Sie erscheint in der Zeitachse.");
    expect(posts(api).map((c) => c.arg.requestId)).toEqual(Array(5).fill("req-00000001"));
    expect(posts(api)[0].arg).toEqual({ event: "changeResidencePermit", residencePermit: "03",
      residencePermitValidFrom: "2026-11-01", requestId: "req-00000001" });
    expect(onSent).toHaveBeenCalledWith(expect.objectContaining({ messageId: "m-req-00000001" }));
    expect(screen.getByLabelText("Ausweiskategorie (eCH-0006)").value).toBe("");  // ready for the next one

    failures = 3;  // fails three times: the visible error, then the form is changed before sending again
    fill({ permit: "02" });
    send();
    await screen.findByText(/Der Dienst ist nicht erreichbar/);
    fireEvent.click(screen.getByLabelText("Berichtigung gemeldeter Bewilligungsdaten"));
    send();
    await screen.findByText(/Meldung erfasst/);
    const last = posts(api).at(-1).arg;
    expect(last.requestId).toBe("req-00000003");  // another content, another request
    expect(last.event).toBe("correctResidencePermit");
  });
});

describe("dossier: federal messages and team", () => {
  it("lets a caseworker report and follows the message's status live in the timeline", async () => {
    let status = "QUEUED";
    const api = fakeApi({
      "GET /api/dossiers/D-1": dossier,
      "GET /api/messages": () => ({ items: status === null ? [] : [{ ...queued, status }] }),
      "POST /api/dossiers/D-1/messages": () => queued,
    });
    status = null;
    renderWith(<DossierScreen dossierId="D-1" />, { api, session: caseworker });
    await screen.findByTestId("federal-form");
    expect(screen.getByTestId("dossier-team").textContent).toBe("Team A");
    expect(screen.queryByTestId("team-move")).toBeNull();  // a caseworker does not move dossiers
    fill({ permit: "03" });
    status = "QUEUED";
    send();
    const entry = await waitFor(() => {
      const li = screen.getByTestId("timeline").querySelector('[data-message-id="m-1"]');
      expect(li).toBeTruthy();
      return li;
    });
    expect(entry.textContent).toContain("Bewilligungsentscheid");
    expect(entry.textContent).toContain("In Warteschlange");
    status = "ACKNOWLEDGED";  // the receipt came in: the next look shows it
    await waitFor(() => expect(screen.getByTestId("timeline").querySelector('[data-message-id="m-1"]')
      .getAttribute("data-status")).toBe("ACKNOWLEDGED"), { timeout: 4000 });
    expect(screen.getByTestId("timeline").textContent).toContain("Quittiert");
  });

  it("lists the addresses the dossier learnt, with the document each came from", async () => {
    const known = { ...dossier, addresses: [{ address: "Zürcherstrasse 112, 8406 Winterthur", source: "DOC-7" }] };
    renderWith(<DossierScreen dossierId="D-1" />, { api: fakeApi({ "GET /api/dossiers/D-1": known }),
      session: caseworker });
    const list = await screen.findByTestId("addresses");
    expect(list.textContent).toContain("Zürcherstrasse 112, 8406 Winterthur");
    expect(list.textContent).toContain("aus Dokument DOC-7");
  });

  it("shows the document a learnt number came from", async () => {
    const known = { ...dossier, referenceNumbers: { ahvNumber: "756.1234.5678.97", zemisNumber: "12345678" },
      referenceSources: { ahvNumber: "DOC-9" } };
    renderWith(<DossierScreen dossierId="D-1" />, { api: fakeApi({ "GET /api/dossiers/D-1": known }),
      session: caseworker });
    const refs = await screen.findByTestId("references");
    expect(refs.textContent).toContain("756.1234.5678.97 (aus Dokument DOC-9)");
    expect(refs.textContent).toContain("12345678");
    expect(refs.textContent.match(/aus Dokument/g)).toHaveLength(1);  // the ZEMIS number came with the dossier
  });

  it("offers the form only to caseworkers and team leads", async () => {
    const api = fakeApi({ "GET /api/dossiers/D-1": dossier });
    renderWith(<DossierScreen dossierId="D-1" />, { api, session: { subject: "x", groups: ["auditor"] } });
    await screen.findByTestId("timeline");
    expect(screen.queryByTestId("federal-form")).toBeNull();
  });

  it("lets a team lead move the dossier to another team, with a reason", async () => {
    const api = fakeApi({
      "GET /api/teams": { items: ["team-a", "team-b", "team-c"] },
      "PATCH /api/dossiers/D-1": (body) => ({ ...dossier, team: body.team }),
    });
    const onMoved = vi.fn();
    renderWith(<TeamPanel dossier={dossier} onMoved={onMoved} />, { api, session: teamlead });
    const select = await screen.findByLabelText("Neues Team");
    await waitFor(() => expect(select.querySelectorAll("option")).toHaveLength(3));  // not the current team
    fireEvent.click(screen.getByRole("button", { name: "Zuweisen" }));
    expect(screen.getByText("Fehler: Bitte ein anderes Team wählen.")).toBeTruthy();
    fireEvent.change(select, { target: { value: "team-b" } });
    fireEvent.input(screen.getByLabelText("Begründung (freiwillig)"), { target: { value: "Zuständigkeit Asyl" } });
    fireEvent.click(screen.getByRole("button", { name: "Zuweisen" }));
    await screen.findByText("Die Akte gehört jetzt zu Team B.");
    expect(api.calls.at(-1)).toEqual({ method: "PATCH", path: "/api/dossiers/D-1",
      arg: { team: "team-b", reason: "Zuständigkeit Asyl" } });
    expect(onMoved).toHaveBeenCalledWith(expect.objectContaining({ team: "team-b" }));
  });

  it("shows a refused move and speaks de-DE and French", async () => {
    const api = fakeApi({ "GET /api/teams": { items: ["team-a", "team-b"] },
      "PATCH /api/dossiers/D-1": new ApiError(403, "forbidden", "moving a dossier needs the role teamlead") });
    renderWith(<TeamPanel dossier={dossier} />, { api, session: teamlead, locale: "de-DE" });
    expect(screen.getByTestId("dossier-team").textContent).toBe("Sachgebiet A");
    const select = await screen.findByLabelText("Neues Sachgebiet");
    await waitFor(() => expect(select.querySelectorAll("option")).toHaveLength(2));
    fireEvent.change(select, { target: { value: "team-b" } });
    fireEvent.click(screen.getByRole("button", { name: "Zuweisen" }));
    await screen.findByText("Fehler: moving a dossier needs the role teamlead");
  });
});
