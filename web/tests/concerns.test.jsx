import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, uploadRequest } from "../src/api.js";
import { LOCALES, TABLE } from "../src/i18n.js";
import { ahvValid, concernsLabel, concernsPayload, EMPTY_PERSON, validateConcerns } from "../src/screens/concerns.jsx";
import { UploadScreen } from "../src/screens/upload.jsx";
import { fakeApi, renderWith } from "./helpers.jsx";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const person = (fields) => ({ ...EMPTY_PERSON, ...fields });

describe("the AHV number check", () => {
  it("accepts the check digit with or without separators", () => {
    expect(ahvValid("7563047592165")).toBe(true);  // Rami AL HASSAN of the samples
    expect(ahvValid("756.3047.5921.65")).toBe(true);
    expect(ahvValid("756 3047 5921 65")).toBe(true);
    expect(ahvValid("756.1234.5678.97")).toBe(true);
  });

  it("refuses a wrong check digit, another prefix, other lengths and letters", () => {
    expect(ahvValid("756.1234.5678.98")).toBe(false);
    expect(ahvValid("756.3047.5921.66")).toBe(false);
    expect(ahvValid("757.1234.5678.96")).toBe(false);  // right check digit for 757..., wrong country
    expect(ahvValid("756.1234.5678.9")).toBe(false);
    expect(ahvValid("756.1234.5678.970")).toBe(false);
    expect(ahvValid("756.1234.567A.97")).toBe(false);
    expect(ahvValid("")).toBe(false);
    expect(ahvValid(undefined)).toBe(false);
  });
});

describe("the person a scan concerns", () => {
  it("sends only the filled-in fields, trimmed, and nothing when nothing is filled", () => {
    expect(concernsPayload(EMPTY_PERSON)).toBeNull();
    expect(concernsPayload(person({ surname: "   ", ahvNumber: " " }))).toBeNull();
    expect(concernsPayload(person({ surname: "  AL HASSAN ", givenNames: "", birthDate: "1991-03-14", zemisNumber: " 12345678" })))
      .toEqual({ surname: "AL HASSAN", birthDate: "1991-03-14", zemisNumber: "12345678" });
    expect(concernsPayload(person({ ahvNumber: " 756.3047.5921.65 " }))).toEqual({ ahvNumber: "756.3047.5921.65" });
  });

  it("goes with scans only, never with messages", () => {
    const concerns = { surname: "AL HASSAN", birthDate: "1991-03-14" };
    const scan = new File(["%PDF"], "a.pdf");
    const message = new File(["<x/>"], "m.xml");
    expect(uploadRequest(scan, concerns)).toEqual(
      { kind: "scan", filename: "a.pdf", contentType: "application/pdf", size: 4, concerns });
    expect(uploadRequest(message, concerns)).toEqual(
      { kind: "message", filename: "m.xml", contentType: "application/xml", size: 4 });
    expect(uploadRequest(scan, null)).not.toHaveProperty("concerns");
    expect(uploadRequest(scan)).not.toHaveProperty("concerns");
  });

  it("needs a reference number or surname and birth date, and well-formed numbers", () => {
    expect(validateConcerns(EMPTY_PERSON)).toEqual({});
    expect(validateConcerns(person({ surname: "AL HASSAN", birthDate: "1991-03-14" }))).toEqual({});
    expect(validateConcerns(person({ ahvNumber: "756.3047.5921.65" }))).toEqual({});
    expect(validateConcerns(person({ zemisNumber: "1234.5678" }))).toEqual({});
    expect(validateConcerns(person({ surname: "AL HASSAN" }))).toEqual({ person: "upload.person.error.incomplete" });
    expect(validateConcerns(person({ givenNames: "Rami", birthDate: "1991-03-14" })))
      .toEqual({ person: "upload.person.error.incomplete" });
    expect(validateConcerns(person({ surname: "X", birthDate: "1991-03-14", ahvNumber: "756.1234.5678.98" })))
      .toEqual({ ahvNumber: "upload.person.error.ahv" });
    // valid digits, but longer than the API takes
    expect(validateConcerns(person({ ahvNumber: "756 . 3047 . 5921 . 65" }))).toEqual({ ahvNumber: "upload.person.error.ahv" });
    expect(validateConcerns(person({ zemisNumber: "1234567" }))).toEqual({ zemisNumber: "upload.person.error.zemis" });
    expect(validateConcerns(person({ surname: "X", birthDate: "14.03.1991" }))).toEqual({ birthDate: "upload.person.error.birthDate" });
  });

  it("reads as one line, in the locale's date format", () => {
    expect(concernsLabel({ surname: "AL HASSAN", givenNames: "Rami", birthDate: "1990-02-01" }, "de-CH"))
      .toBe("AL HASSAN Rami, 01.02.1990");
    expect(concernsLabel({ ahvNumber: "756.3047.5921.65", surname: null }, "de-CH")).toBe("756.3047.5921.65");
    expect(concernsLabel(null, "de-CH")).toBe("");
  });

  it("has its messages in every language", () => {
    for (const locale of LOCALES) {
      for (const key of ["upload.person.summary", "upload.person.error.incomplete", "upload.person.error.ahv",
        "upload.person.error.zemis", "upload.person.error.blocked", "upload.for"]) expect(TABLE[locale][key]).toBeTruthy();
    }
    expect(TABLE["fr-CH"]["upload.person.summary"]).toBe("Personne concernée (facultatif)");
  });
});

class OkXhr {
  upload = {};
  open() {}
  send() { this.upload.onprogress({ lengthComputable: true, loaded: 1, total: 1 }); this.status = 204; this.onload(); }
}

function uploadApi(history = []) {
  return fakeApi({
    "GET /api/submissions": { items: history },
    "POST /api/uploads": (body) => ({ submissionId: `s-${body.filename}`, upload: { url: "http://s3.test", fields: { key: "k" } } }),
    "GET /api/submissions/s-a.pdf": { status: "COMPLETED", documents: [{ status: "INDEXED" }] },
    "GET /api/submissions/s-b.xml": { status: "REJECTED", documents: [{ status: "REJECTED", reason: "malformed_xml" }] },
  });
}

const drop = (...files) => fireEvent.drop(screen.getByTestId("dropzone"), { dataTransfer: { files } });
const posts = (api) => api.calls.filter((c) => c.method === "POST").map((c) => c.arg);
const type = (label, value) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

describe("the upload screen's person block", () => {
  it("is closed at first and sends nothing when left empty", async () => {
    vi.stubGlobal("XMLHttpRequest", OkXhr);
    const api = uploadApi();
    renderWith(<UploadScreen />, { api });
    expect(screen.getByTestId("person-block").open).toBe(false);
    drop(new File(["%PDF"], "a.pdf"));
    await waitFor(() => expect(posts(api)).toHaveLength(1));
    expect(posts(api)[0]).not.toHaveProperty("concerns");
  });

  it("sends the person with every scan but not with messages", async () => {
    vi.stubGlobal("XMLHttpRequest", OkXhr);
    const api = uploadApi();
    const { container } = renderWith(<UploadScreen />, { api });
    type("Name", " AL HASSAN ");
    type("Vornamen", "Rami");
    type("Geburtsdatum", "1991-03-14");
    expect(screen.getByTestId("person-stated").textContent).toContain("AL HASSAN Rami, 14.03.1991");
    drop(new File(["%PDF"], "a.pdf"), new File(["<x"], "b.xml"));
    await waitFor(() => expect(posts(api)).toHaveLength(2));
    expect(posts(api)).toEqual([
      { kind: "scan", filename: "a.pdf", contentType: "application/pdf", size: 4,
        concerns: { surname: "AL HASSAN", givenNames: "Rami", birthDate: "1991-03-14" } },
      { kind: "message", filename: "b.xml", contentType: "application/xml", size: 2 },
    ]);
    const item = container.querySelector("[data-file='a.pdf']");
    expect(within(item).getByText("Betrifft: AL HASSAN Rami, 14.03.1991")).toBeTruthy();
    expect(within(container.querySelector("[data-file='b.xml']")).queryByText(/Betrifft/)).toBeNull();
  });

  it("uploads nothing and says why while the person is incomplete or the AHV number is wrong", async () => {
    vi.stubGlobal("XMLHttpRequest", OkXhr);
    const api = uploadApi();
    renderWith(<UploadScreen />, { api });
    type("Name", "AL HASSAN");
    drop(new File(["%PDF"], "a.pdf"));
    expect(screen.getByTestId("person-blocked").textContent)
      .toBe("Nichts übertragen: Bitte die Angaben zur betroffenen Person prüfen.");
    expect(screen.getByText("Bitte eine Referenznummer (AHV oder ZEMIS) oder Name und Geburtsdatum angeben.")).toBeTruthy();
    expect(screen.getByTestId("person-block").open).toBe(true);
    type("AHV-Nummer", "756.1234.5678.98");
    expect(screen.queryByTestId("person-blocked")).toBeNull();  // typing clears the complaint
    drop(new File(["%PDF"], "a.pdf"));
    const ahv = screen.getByLabelText("AHV-Nummer");
    expect(ahv.getAttribute("aria-invalid")).toBe("true");
    const error = screen.getByText("Keine gültige AHV-Nummer (756, dann 10 Ziffern; die letzte ist eine Prüfziffer).");
    expect(ahv.getAttribute("aria-describedby").split(" ")).toContain(error.id);
    expect(document.activeElement).toBe(ahv);
    // messages alone do not carry the person, so they go
    drop(new File(["<x"], "b.xml"));
    await waitFor(() => expect(posts(api)).toHaveLength(1));
    expect(posts(api)[0].kind).toBe("message");
    type("AHV-Nummer", "756.1234.5678.97");
    drop(new File(["%PDF"], "a.pdf"));
    await waitFor(() => expect(posts(api)).toHaveLength(2));
    expect(posts(api)[1].concerns).toEqual({ surname: "AL HASSAN", ahvNumber: "756.1234.5678.97" });
  });

  it("shows the API's refusal on the item", async () => {
    const api = fakeApi({
      "GET /api/submissions": { items: [] },
      "POST /api/uploads": new ApiError(400, "invalid_zemis", "'99999999x' is not a zemisNumber (8 digits)"),
    });
    renderWith(<UploadScreen />, { api });
    type("Name", "AL HASSAN");
    type("Geburtsdatum", "1991-03-14");
    drop(new File(["%PDF"], "a.pdf"));
    await screen.findByText("Übertragung fehlgeschlagen: '99999999x' is not a zemisNumber (8 digits)");
  });

  it("shows whom each earlier submission concerns", async () => {
    const api = uploadApi([
      { submissionId: "s1", filename: "a.pdf", kind: "scan", status: "COMPLETED", createdAt: "2026-11-21T10:00:00Z",
        concerns: { surname: "AL HASSAN", givenNames: "Rami", birthDate: "1990-02-01" }, documents: [{ status: "INDEXED" }] },
      { submissionId: "s2", filename: "b.pdf", kind: "scan", status: "COMPLETED", createdAt: "2026-11-21T10:00:00Z",
        concerns: { ahvNumber: "756.3047.5921.65" }, documents: [{ status: "NEEDS_REVIEW" }] },
      { submissionId: "s3", filename: "c.xml", kind: "message", status: "COMPLETED", createdAt: "2026-11-21T10:00:00Z",
        concerns: null, documents: [{ status: "INDEXED" }] },
    ]);
    renderWith(<UploadScreen />, { api });
    const cells = await screen.findAllByTestId("submission-concerns");
    expect(cells.map((c) => c.textContent)).toEqual(["AL HASSAN Rami, 01.02.1990", "756.3047.5921.65", ""]);
    expect(screen.getByRole("columnheader", { name: "Betrifft" })).toBeTruthy();
  });
});
