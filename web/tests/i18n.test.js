import { describe, expect, it } from "vitest";
import { DOCUMENT_TYPE_CODES, formatDate, initialLocale, LOCALES, TABLE, translator } from "../src/i18n.js";

describe("the translation table", () => {
  it("has every key in every language", () => {
    const keys = Object.keys(TABLE["de-CH"]).sort();
    for (const locale of LOCALES) expect(Object.keys(TABLE[locale]).sort()).toEqual(keys);
  });

  it("writes Swiss German without ß and German German with it", () => {
    for (const text of Object.values(TABLE["de-CH"])) expect(text).not.toContain("ß");
    expect(TABLE["de-DE"]["reason.too_large"]).toBe("Die Datei ist zu groß.");
    expect(TABLE["de-CH"]["reason.too_large"]).toBe("Die Datei ist zu gross.");
  });

  it("uses each country's wording where it differs", () => {
    expect(TABLE["de-CH"]["app.office"]).toBe("Migrationsamt");
    expect(TABLE["de-DE"]["app.office"]).toBe("Ausländerbehörde");
    expect(TABLE["de-CH"]["type.decision_notice"]).toBe("Verfügung");
    expect(TABLE["de-DE"]["type.decision_notice"]).toBe("Bescheid");
    expect(TABLE["fr-CH"]["type.passport"]).toBe("Passeport");
  });

  it("names every document type of the API", () => {
    expect(DOCUMENT_TYPE_CODES).toHaveLength(17);
    for (const locale of LOCALES) {
      for (const code of DOCUMENT_TYPE_CODES) expect(TABLE[locale][`type.${code}`]).toBeTruthy();
    }
  });

  it("fills parameters and falls back to the key", () => {
    const t = translator("fr-CH");
    expect(t("inbox.saved", { file: "a.pdf" })).toBe("a.pdf : enregistré.");
    expect(t("no.such.key")).toBe("no.such.key");
  });

  it("picks the locale from storage, then the browser, else Swiss German", () => {
    expect(initialLocale("fr-CH", ["de-DE"])).toBe("fr-CH");
    expect(initialLocale(null, ["fr-FR"])).toBe("fr-CH");
    expect(initialLocale(null, ["de-DE"])).toBe("de-DE");
    expect(initialLocale(null, ["de"])).toBe("de-CH");
    expect(initialLocale(null, ["en-US"])).toBe("de-CH");
  });

  it("formats dates the local way", () => {
    expect(formatDate("1991-03-14", "de-CH")).toBe("14.03.1991");
    expect(formatDate("1991-03-14", "fr-CH")).toBe("14.03.1991");
    expect(formatDate("", "de-CH")).toBe("");
  });
});
