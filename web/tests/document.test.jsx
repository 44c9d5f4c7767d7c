import { cleanup, fireEvent, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { boxesOnPage, DocumentScreen } from "../src/screens/document.jsx";
import { fakeApi, renderWith } from "./helpers.jsx";

const FIELDS = {
  surname: { value: "AL HASSAN", confidence: 0.8, source: "text",
    boxes: [{ page: 1, left: 0.1, top: 0.2, width: 0.3, height: 0.02 }, { page: 2, left: 0.5, top: 0.5, width: 0.1, height: 0.02 }] },
  birthDate: { value: "1991-03-14", confidence: 0.8, source: "text",
    boxes: [{ page: 2, left: 0.25, top: 0.4, width: 0.2, height: 0.02 }] },
  nationality: { value: "SYR", confidence: 0.6, source: "text" },  // not found on the page
};

const DOC = {
  documentId: "doc-1", status: "INDEXED", filename: "antrag.pdf", mediaType: "application/pdf",
  documentType: "application_form", confidence: 0.9, dossierId: "D-1", pages: 2, fields: FIELDS,
  text: "Name: AL HASSAN\fGeburtsdatum: 14.03.1991",
};

const pageLink = (n) => ({ page: n, pages: 2, url: `http://127.0.0.1:9/page-${n}.webp`, mediaType: "image/webp",
  width: 1240, height: 1754 });

function viewer(doc = DOC, pages = { 1: pageLink(1), 2: pageLink(2) }) {
  const api = fakeApi({
    "GET /api/documents/doc-1": doc,
    "GET /api/documents/doc-1/content": { url: "http://127.0.0.1:9/original" },
    "GET /api/documents/doc-1/pages/1": pages[1],
    "GET /api/documents/doc-1/pages/2": pages[2],
  });
  return renderWith(<DocumentScreen documentId="doc-1" />, { api });
}

afterEach(cleanup);

describe("the page view of the document viewer", () => {
  it("lists the boxes of one page only", () => {
    expect(boxesOnPage(FIELDS, 1).map((b) => b.name)).toEqual(["surname"]);
    expect(boxesOnPage(FIELDS, 2).map((b) => [b.name, b.box.left])).toEqual([["surname", 0.5], ["birthDate", 0.25]]);
    expect(boxesOnPage({}, 1)).toEqual([]);
  });

  it("shows the PDF page image with the field boxes placed over it", async () => {
    const { container } = viewer();
    const image = await screen.findByRole("img", { name: "Seite 1 von 2 des Dokuments antrag.pdf" });
    expect(image.getAttribute("src")).toBe("http://127.0.0.1:9/page-1.webp");
    const box = screen.getByRole("button", { name: "Name: AL HASSAN" });
    expect(box.style.left).toBe("10.000%");
    expect(box.style.top).toBe("20.000%");
    expect(box.style.width).toBe("30.000%");
    expect(container.querySelectorAll("[data-testid=field-box]")).toHaveLength(1);
    expect(screen.getByRole("group", { name: "Erkannte Angaben auf Seite 1" })).toBeTruthy();
  });

  it("switches pages with the buttons and the keyboard", async () => {
    const { api } = viewer();
    await screen.findByRole("img", { name: /Seite 1 von 2/ });
    const next = screen.getByRole("button", { name: "Nächste Seite" });
    expect(screen.getByRole("button", { name: "Vorherige Seite" }).getAttribute("aria-disabled")).toBe("true");
    fireEvent.click(next);
    await screen.findByRole("img", { name: /Seite 2 von 2/ });
    expect(screen.getByRole("button", { name: "Geburtsdatum: 1991-03-14" })).toBeTruthy();
    expect(next.getAttribute("aria-disabled")).toBe("true");
    fireEvent.click(next);  // on the last page: stays there
    fireEvent.keyDown(screen.getByRole("img", { name: /Seite 2 von 2/ }), { key: "PageUp" });
    await screen.findByRole("img", { name: /Seite 1 von 2/ });
    fireEvent.change(screen.getByTestId("page-select"), { target: { value: "2" } });
    await screen.findByRole("img", { name: /Seite 2 von 2/ });
    expect(api.calls.filter((c) => c.path.includes("/pages/")).map((c) => c.path.split("/").pop()))
      .toEqual(["1", "2", "1", "2"]);
  });

  it("highlights a field's box from the list and its list entry from the box", async () => {
    const { container } = viewer();
    const box = await screen.findByRole("button", { name: "Name: AL HASSAN" });
    const row = container.querySelector("tr[data-field=surname]");
    fireEvent.mouseEnter(box);
    expect(row.classList.contains("active")).toBe(true);
    fireEvent.mouseLeave(box);
    expect(row.classList.contains("active")).toBe(false);
    fireEvent.focus(screen.getByRole("button", { name: /^AL HASSAN \(auf Seite 1 markiert\)/ }));
    expect(box.classList.contains("active")).toBe(true);
    expect(container.querySelector("mark.active[data-field=surname]")).toBeTruthy();  // and in the OCR text
  });

  it("goes to the page where a field stands when its value is chosen", async () => {
    viewer();
    await screen.findByRole("img", { name: /Seite 1 von 2/ });
    fireEvent.click(screen.getByRole("button", { name: /^1991-03-14 \(auf Seite 2 markiert\)/ }));
    await screen.findByRole("img", { name: /Seite 2 von 2/ });
    await waitFor(() => expect(screen.getByRole("button", { name: "Geburtsdatum: 1991-03-14" }).classList
      .contains("active")).toBe(true));
  });

  it("says so when a value was not found on the page", async () => {
    viewer();
    await screen.findByRole("img", { name: /Seite 1 von 2/ });
    const row = screen.getByRole("row", { name: /Staatsangehörigkeit/ });
    expect(row.textContent).toContain("(nicht auf der Seite gefunden)");
  });

  it("shows a single-page JPEG without a page switcher", async () => {
    viewer({ ...DOC, filename: "pass.jpg", mediaType: "image/jpeg", pages: 1 });
    await screen.findByRole("img", { name: "Seite 1 von 1 des Dokuments pass.jpg" });
    expect(screen.queryByRole("navigation", { name: "Seiten des Dokuments" })).toBeNull();
  });

  it("explains when the page cannot be shown", async () => {
    const failed = new Error("page_unavailable");
    viewer(DOC, { 1: failed, 2: failed });
    expect((await screen.findByRole("alert")).textContent).toContain("Diese Seite kann nicht angezeigt werden.");
    expect(screen.getByTestId("download").getAttribute("href")).toBe("http://127.0.0.1:9/original");
  });
});
