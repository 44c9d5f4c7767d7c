// "Whom does this concern": the uploader's statement which person the scans are about (a
// municipality knows its resident, the police whom they reported). The API checks it again
// (logic/api_service.py _checked_concerns); identity resolution files the scan with that person
// only when the document's own names match, otherwise it waits in the caseworkers' inbox.
import { useApp } from "../context.js";
import { formatDate } from "../i18n.js";

export const PERSON_FIELDS = ["surname", "givenNames", "birthDate", "ahvNumber", "zemisNumber"];
export const EMPTY_PERSON = Object.freeze(Object.fromEntries(PERSON_FIELDS.map((k) => [k, ""])));
const NAME_MAX = 100;
// the API's length limits on the raw strings (DeclaredPerson): separators count too
const AHV_MAX = 16;
const ZEMIS_MAX = 12;
const REFERENCES = ["ahvNumber", "zemisNumber"];

/** As the API compares reference numbers: separators (dots, spaces ...) do not matter. */
const normalised = (value) => value.replace(/[^0-9A-Za-z]/g, "");

/** Swiss AHV/AVS number: 756 and 10 more digits, the last an EAN-13 check digit over the first
 * 12 (weights 1,3,1,3 ... from the left). Printed 756.1234.5678.97; dots and spaces are fine. */
export function ahvValid(value) {
  const digits = normalised(value ?? "");
  if (!/^756\d{10}$/.test(digits)) return false;
  const total = [...digits.slice(0, 12)].reduce((sum, c, i) => sum + Number(c) * (i % 2 ? 3 : 1), 0);
  return (10 - (total % 10)) % 10 === Number(digits[12]);
}

/** The `concerns` of POST /api/uploads: the filled-in fields, trimmed; null when nothing is filled. */
export function concernsPayload(form) {
  const payload = {};
  for (const key of PERSON_FIELDS) {
    const value = (form[key] ?? "").trim();
    if (value) payload[key] = value;
  }
  return Object.keys(payload).length ? payload : null;
}

/** What the screen checks before uploading (the server's rules): field -> translation key.
 * "person" is the block as a whole: a reference number, or surname and birth date. */
export function validateConcerns(form) {
  const person = concernsPayload(form);
  const errors = {};
  if (!person) return errors;
  if (person.ahvNumber && (person.ahvNumber.length > AHV_MAX || !ahvValid(person.ahvNumber))) {
    errors.ahvNumber = "upload.person.error.ahv";
  }
  if (person.zemisNumber && (person.zemisNumber.length > ZEMIS_MAX || !/^\d{8}$/.test(normalised(person.zemisNumber)))) {
    errors.zemisNumber = "upload.person.error.zemis";
  }
  if (person.birthDate && !/^\d{4}-\d{2}-\d{2}$/.test(person.birthDate)) errors.birthDate = "upload.person.error.birthDate";
  if (!REFERENCES.some((k) => person[k]) && !(person.surname && person.birthDate)) {
    errors.person = "upload.person.error.incomplete";
  }
  return errors;
}

/** A declared person in one line: "AL HASSAN Rami, 01.02.1990" and/or its reference numbers. */
export function concernsLabel(concerns, locale) {
  if (!concerns) return "";
  const name = [concerns.surname, concerns.givenNames].filter(Boolean).join(" ");
  const parts = [name, formatDate(concerns.birthDate, locale), concerns.ahvNumber, concerns.zemisNumber, concerns.azrNumber];
  return parts.filter(Boolean).join(", ");
}

const INPUTS = {
  surname: { type: "text", maxLength: NAME_MAX, autoComplete: "off" },
  givenNames: { type: "text", maxLength: NAME_MAX, autoComplete: "off" },
  birthDate: { type: "date" },
  ahvNumber: { type: "text", maxLength: AHV_MAX, autoComplete: "off", hint: "upload.person.ahvHint" },
  zemisNumber: { type: "text", maxLength: ZEMIS_MAX, autoComplete: "off", inputMode: "numeric", hint: "upload.person.zemisHint" },
};
const ROWS = [["surname", "givenNames", "birthDate"], ["ahvNumber", "zemisNumber"]];

/** The collapsible "person concerned" block of the upload screen (state kept by the screen). */
export function PersonBlock({ form, errors, open, onToggle, onChange, onClear, detailsRef }) {
  const { t, locale } = useApp();
  const stated = concernsLabel(concernsPayload(form), locale);
  const field = (key) => {
    const { hint, ...attrs } = INPUTS[key];
    const described = [hint && `person-${key}-hint`, errors[key] && `person-${key}-error`].filter(Boolean).join(" ");
    return (
      <div class="field" key={key}>
        <label for={`person-${key}`}>{t(`field.${key}`)}</label>
        <input id={`person-${key}`} {...attrs} value={form[key]}
          onInput={(e) => onChange(key, e.currentTarget.value)}
          aria-invalid={errors[key] ? "true" : undefined} aria-describedby={described || undefined} />
        {hint && <span id={`person-${key}-hint`} class="hint">{t(hint)}</span>}
        {errors[key] && <span id={`person-${key}-error`} class="field-error">{t(errors[key])}</span>}
      </div>
    );
  };
  return (
    <details class="card person-block" open={open} ref={detailsRef} data-testid="person-block"
      onToggle={(e) => onToggle(e.currentTarget.open)}>
      <summary>
        {t("upload.person.summary")}
        {stated && <span class="hint" data-testid="person-stated"> – {t("upload.person.active", { person: stated })}</span>}
      </summary>
      <fieldset aria-describedby={errors.person ? "person-hint person-error" : "person-hint"}>
        <legend>{t("upload.person.legend")}</legend>
        <p id="person-hint" class="hint">{t("upload.person.hint")}</p>
        {ROWS.map((row) => <div class="field-row" key={row[0]}>{row.map(field)}</div>)}
        {errors.person && <p id="person-error" class="field-error">{t(errors.person)}</p>}
        <div class="inline">
          <button type="button" class="secondary" onClick={onClear} disabled={!stated}>{t("upload.person.clear")}</button>
        </div>
      </fieldset>
    </details>
  );
}
