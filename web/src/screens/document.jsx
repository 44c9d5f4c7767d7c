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

/** The original is shown as the page image where the browser can show it safely: JPEG and PNG.
 * PDF and TIFF originals are offered for download (the API has no page renditions yet). */
const formatName = (mediaType) => ({ "application/pdf": "PDF", "image/tiff": "TIFF" })[mediaType] ?? mediaType;

export function previewKind(mediaType) {
  if (mediaType === "image/png" || mediaType === "image/jpeg") return "image";
  return "none";
}

export function DocumentScreen({ documentId }) {
  const { t, api } = useApp();
  const [doc, setDoc] = useState(null);
  const [link, setLink] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    api.get(`/api/documents/${documentId}`).then(setDoc, setError);
    api.get(`/api/documents/${documentId}/content`).then((r) => setLink(r.url), () => setLink(null));
  }, [documentId]);

  if (error) return <ErrorNote error={error} />;
  if (!doc) return <p role="status">{t("app.loading")}</p>;

  const parts = highlight(doc.text, doc.fields);
  const kind = previewKind(doc.mediaType);

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
        <dt>{t("doc.pages")}</dt><dd>{doc.pages} · {doc.mediaType}</dd>
      </dl>
      <div class="viewer">
        <div class="pane">
          <div class="row-between">
            <h2>{t("doc.page")}</h2>
            {link && <a class="button-like" href={link} download={doc.filename} data-testid="download">{t("doc.download")}</a>}
          </div>
          {link && kind === "image" && <img class="page" src={link} alt={t("doc.imagePreview", { file: doc.filename })} />}
          {kind === "none" && <p class="notice-box">{t("doc.noPreview", { format: formatName(doc.mediaType) })}</p>}
        </div>
        <div class="pane">
          <h2>{t("doc.ocr")}</h2>
          <p class="hint">{t("doc.highlightHint")}</p>
          <pre class="ocr" tabIndex={0} aria-label={t("doc.ocr")} data-testid="ocr-text">
            {doc.text ? parts.map((p, i) => (p.field ? <mark key={i} title={p.field}>{p.text}</mark> : p.text))
              : t("doc.noText")}
          </pre>
          <h2>{t("doc.fields")}</h2>
          <table class="table">
            <thead><tr>
              <th scope="col">{t("doc.field")}</th><th scope="col">{t("doc.value")}</th>
              <th scope="col">{t("doc.source")}</th><th scope="col">{t("doc.confidence")}</th>
            </tr></thead>
            <tbody>
              {Object.entries(doc.fields ?? {}).map(([name, f]) => (
                <tr key={name}><td>{fieldLabel(t, name)}</td><td><mark>{f.value}</mark></td><td>{f.source}</td><td>{percent(f.confidence)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
