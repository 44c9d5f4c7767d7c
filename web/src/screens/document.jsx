import { useEffect, useState } from "preact/hooks";
import { ErrorNote, Heading, percent, StatusBadge, TypeLabel } from "../components.jsx";
import { useApp } from "../context.js";
import { href } from "../router.js";

/** The OCR text cut into plain and highlighted parts: every extracted field value that occurs
 * in the text (case-insensitive) is marked, so the reader sees where a value came from. */
const WORD = /[\p{L}\p{N}]/u;

/** How a value may be written on paper: ISO dates also as 14.03.1991. */
export function spellings(value) {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return iso ? [value, `${iso[3]}.${iso[2]}.${iso[1]}`] : [value];
}

export function highlight(text, fields) {
  const values = Object.entries(fields ?? {})
    .flatMap(([name, f]) => spellings(String(f.value ?? "").trim()).map((value) => ({ name, value })))
    .filter((f) => f.value.length >= 2);
  if (!text || values.length === 0) return [{ text: text ?? "" }];
  const lower = text.toLocaleLowerCase();
  const marks = [];
  for (const { name, value } of values) {
    const needle = value.toLocaleLowerCase();
    let at = lower.indexOf(needle);
    while (at >= 0) {
      const end = at + needle.length;
      // whole words only: "SYR" is not marked inside "SYRIAN"
      if (!WORD.test(text[at - 1] ?? "") && !WORD.test(text[end] ?? "")) marks.push({ start: at, end, name });
      at = lower.indexOf(needle, at + needle.length);
    }
  }
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts = [];
  let pos = 0;
  for (const m of marks) {
    if (m.start < pos) continue;  // overlaps an earlier mark
    if (m.start > pos) parts.push({ text: text.slice(pos, m.start) });
    parts.push({ text: text.slice(m.start, m.end), field: m.name });
    pos = m.end;
  }
  if (pos < text.length) parts.push({ text: text.slice(pos) });
  return parts;
}

export const fieldLabel = (t, name) => {
  const label = t(`field.${name}`);
  return label === `field.${name}` ? name : label;
};

/** Every scan (PDF, TIFF, JPEG, PNG) is shown page by page as the image the API renders
 * (GET /api/documents/{id}/pages/{n}); the extracted fields are drawn over it where the
 * pipeline found them (field.boxes, relative to the page: 0..1). */
const PAGED = new Set(["application/pdf", "image/tiff", "image/jpeg", "image/png"]);
const formatName = (mediaType) =>
  ({ "application/pdf": "PDF", "image/tiff": "TIFF", "image/jpeg": "JPEG", "image/png": "PNG" })[mediaType] ?? mediaType;

export function previewKind(mediaType) {
  return PAGED.has(mediaType) ? "pages" : "none";
}

/** The boxes of all fields that lie on `page`, in field order. */
export function boxesOnPage(fields, page) {
  return Object.entries(fields ?? {}).flatMap(([name, field]) =>
    (field.boxes ?? []).filter((box) => box.page === page).map((box, index) => ({ name, field, box, index })));
}

const pct = (v) => `${(v * 100).toFixed(3)}%`;

export function PageSwitcher({ page, pages, onChange }) {
  const { t } = useApp();
  const numbers = Array.from({ length: pages }, (_, i) => i + 1);
  return (
    <nav class="pager" aria-label={t("doc.pageNav")}>
      {/* aria-disabled, not disabled: a disabled button drops the keyboard focus on the last page */}
      <button type="button" class="secondary" aria-disabled={page <= 1}
        onClick={() => page > 1 && onChange(page - 1)}>
        {t("doc.pagePrev")}
      </button>
      <label>
        <span class="visually-hidden">{t("doc.pageSelect")}</span>
        <select value={page} onChange={(e) => onChange(Number(e.currentTarget.value))} data-testid="page-select">
          {numbers.map((n) => <option key={n} value={n}>{t("doc.pageOf", { page: n, pages })}</option>)}
        </select>
      </label>
      <button type="button" class="secondary" aria-disabled={page >= pages}
        onClick={() => page < pages && onChange(page + 1)}>
        {t("doc.pageNext")}
      </button>
    </nav>
  );
}

/** One page image with the field boxes over it. Hovering or focusing a box marks its field in the
 * list (and the list marks the box): `active` is the field name shared by both. */
export function PageView({ doc, page, image, active, onActive, fit }) {
  const { t } = useApp();
  if (!image) return <p role="status" class="page-placeholder">{t("doc.pageLoading")}</p>;
  if (image.error) return <p class="notice-box" role="alert">{t("doc.pageUnavailable")}</p>;
  const boxes = boxesOnPage(doc.fields, page);
  return (
    <div class={`page-scroll${fit ? " fit" : ""}`}>
      <div class="page-frame" style={{ "--ratio": String(image.width / image.height) }} data-testid="page-frame">
        <img class="page" src={image.url} width={image.width} height={image.height}
          alt={t("doc.pageImage", { page, pages: doc.pages, file: doc.filename })} />
        {boxes.length > 0 && (
          <div class="field-boxes" role="group" aria-label={t("doc.fieldBoxes", { page })}>
            {boxes.map(({ name, field, box, index }) => (
              <button type="button" key={`${name}-${index}`} data-field={name} data-testid="field-box"
                class={`field-box${active === name ? " active" : ""}`}
                style={{ left: pct(box.left), top: pct(box.top), width: pct(box.width), height: pct(box.height) }}
                aria-label={t("doc.boxLabel", { field: fieldLabel(t, name), value: field.value })}
                onMouseEnter={() => onActive(name)} onMouseLeave={() => onActive(null)}
                onFocus={() => onActive(name)} onBlur={() => onActive(null)}
                onClick={() => document.getElementById(`field-${name}`)?.scrollIntoView?.({ block: "nearest" })} />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

export function DocumentScreen({ documentId }) {
  const { t, api } = useApp();
  const [doc, setDoc] = useState(null);
  const [link, setLink] = useState(null);
  const [error, setError] = useState(null);
  const [page, setPage] = useState(1);
  const [image, setImage] = useState(null);
  const [active, setActive] = useState(null);
  const [fit, setFit] = useState(false);

  useEffect(() => {
    setPage(1);
    api.get(`/api/documents/${documentId}`).then(setDoc, setError);
    api.get(`/api/documents/${documentId}/content`).then((r) => setLink(r.url), () => setLink(null));
  }, [documentId]);

  const kind = doc ? previewKind(doc.mediaType) : "none";
  const pages = doc?.pages ?? 0;
  useEffect(() => {
    if (kind !== "pages" || pages < 1) return undefined;
    let current = true;
    setImage(null);
    api.get(`/api/documents/${documentId}/pages/${page}`)
      .then((r) => current && setImage(r), (e) => current && setImage({ error: e }));
    return () => { current = false; };
  }, [documentId, kind, pages, page]);

  if (error) return <ErrorNote error={error} />;
  if (!doc) return <p role="status">{t("app.loading")}</p>;

  const parts = highlight(doc.text, doc.fields);
  const goTo = (n) => setPage(Math.min(Math.max(n, 1), pages));
  const onPageKey = (e) => {
    if (e.key === "PageDown" && page < pages) { e.preventDefault(); goTo(page + 1); }
    if (e.key === "PageUp" && page > 1) { e.preventDefault(); goTo(page - 1); }
  };
  const show = (name) => {
    const first = doc.fields[name]?.boxes?.[0];
    setActive(name);
    if (first && first.page !== page) goTo(first.page);
  };
  const rowEvents = (name) => ({ onMouseEnter: () => setActive(name), onMouseLeave: () => setActive(null) });

  return (
    <section class="document">
      <div class="row-between">
        <Heading>{t("doc.title", { file: doc.filename })}</Heading>
        {doc.dossierId && <a href={href("dossier", doc.dossierId)}>{t("doc.back")}</a>}
      </div>
      <dl class="facts inline-facts">
        <dt>{t("doc.type")}</dt><dd data-testid="doc-type"><TypeLabel type={doc.documentType} /></dd>
        <dt>{t("doc.confidence")}</dt><dd>{percent(doc.confidence)}</dd>
        <dt>{t("doc.status")}</dt><dd><StatusBadge status={doc.status} /></dd>
        <dt>{t("doc.dossier")}</dt><dd class="mono">{doc.dossierId ?? "–"}</dd>
        <dt>{t("doc.pages")}</dt><dd>{doc.pages} · {formatName(doc.mediaType)}</dd>
      </dl>
      <div class="viewer">
        <div class="pane page-pane" onKeyDown={onPageKey}>
          <div class="row-between pane-head">
            <h2>{t("doc.page")}</h2>
            {kind === "pages" && pages > 0 && (
              <button type="button" class="secondary" aria-pressed={fit} onClick={() => setFit(!fit)}>
                {t("doc.fitPage")}
              </button>
            )}
            {link && <a class="button-like" href={link} download={doc.filename} data-testid="download">{t("doc.download")}</a>}
          </div>
          {kind === "pages" && pages > 1 && <PageSwitcher page={page} pages={pages} onChange={goTo} />}
          {kind === "pages" && pages > 0 && (
            <PageView doc={doc} page={page} image={image} active={active} onActive={setActive} fit={fit} />
          )}
          {kind === "none" && <p class="notice-box">{t("doc.noPreview", { format: formatName(doc.mediaType) })}</p>}
        </div>
        <div class="pane">
          <h2>{t("doc.fields")}</h2>
          <p class="hint">{t("doc.highlightHint")}</p>
          <table class="table fields" data-testid="fields">
            <thead><tr>
              <th scope="col">{t("doc.field")}</th><th scope="col">{t("doc.value")}</th>
              <th scope="col">{t("doc.source")}</th><th scope="col">{t("doc.confidence")}</th>
            </tr></thead>
            <tbody>
              {Object.entries(doc.fields ?? {}).map(([name, f]) => {
                const first = f.boxes?.[0];
                return (
                  <tr key={name} id={`field-${name}`} data-field={name} class={active === name ? "active" : ""}
                    {...rowEvents(name)}>
                    <th scope="row">{fieldLabel(t, name)}</th>
                    <td>
                      {first ? (
                        <button type="button" class="value-link" data-testid="field-value"
                          onFocus={() => setActive(name)} onBlur={() => setActive(null)} onClick={() => show(name)}>
                          <mark>{f.value}</mark>
                          <span class="visually-hidden"> {t("doc.onPage", { page: first.page })}</span>
                        </button>
                      ) : (
                        <>{f.value} <span class="hint">{t("doc.notOnPage")}</span></>
                      )}
                    </td>
                    <td>{f.source}</td><td>{percent(f.confidence)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>{t("doc.ocr")}</h2>
          <pre class="ocr" tabIndex={0} aria-label={t("doc.ocr")} data-testid="ocr-text">
            {doc.text ? parts.map((p, i) => (p.field
              ? <mark key={i} title={fieldLabel(t, p.field)} data-field={p.field}
                class={active === p.field ? "active" : undefined}>{p.text}</mark>
              : p.text))
              : t("doc.noText")}
          </pre>
        </div>
      </div>
    </section>
  );
}
