import { useEffect, useState } from "preact/hooks";
import { ErrorNote, Heading, percent, StatusBadge } from "../components.jsx";
import { useApp } from "../context.js";
import { DOCUMENT_TYPE_CODES, formatDate } from "../i18n.js";
import { href } from "../router.js";
import { searchQuery } from "./search.jsx";

/** Candidates best first. */
export const ranked = (candidates) => [...(candidates ?? [])].sort((a, b) => b.score - a.score);

export function InboxScreen() {
  const { t, api } = useApp();
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState("");
  const [names, setNames] = useState({});

  async function load() {
    try {
      const found = (await api.get("/api/inbox")).items;
      setItems(found);
      const ids = [...new Set(found.flatMap((d) => d.candidates.map((c) => c.dossierId)))];
      const pairs = await Promise.all(ids.map((id) => api.get(`/api/dossiers/${id}`)
        .then((d) => [id, `${d.surname}, ${d.givenNames}`], () => [id, id])));
      setNames(Object.fromEntries(pairs));
    } catch (e) {
      setError(e);
    }
  }

  useEffect(() => { load(); }, []);

  async function correct(doc, change) {
    try {
      await api.patch(`/api/documents/${doc.documentId}`, change);
      await load();
      setNotice(t("inbox.saved", { file: doc.filename }));
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section>
      <Heading>{t("inbox.title")}</Heading>
      <p role="status" class="notice">{notice}</p>
      <ErrorNote error={error} />
      {items && items.length === 0 && <p>{t("inbox.empty")}</p>}
      <ul class="inbox">
        {(items ?? []).map((doc) => <InboxItem key={doc.documentId} doc={doc} names={names} onCorrect={correct} />)}
      </ul>
    </section>
  );
}

function InboxItem({ doc, names, onCorrect }) {
  const { t, api, locale } = useApp();
  const [type, setType] = useState(doc.documentType ?? "other");
  const [query, setQuery] = useState("");
  const [found, setFound] = useState([]);
  const candidates = ranked(doc.candidates);
  const typeId = `type-${doc.documentId}`;

  useEffect(() => {
    const q = searchQuery({ q: query });
    if (!q) {
      setFound([]);
      return undefined;
    }
    const timer = setTimeout(() => api.get("/api/dossiers", q).then((r) => setFound(r.items), () => setFound([])), 250);
    return () => clearTimeout(timer);
  }, [query]);

  const assign = (dossierId) => onCorrect(doc, { documentType: type, dossierId });

  return (
    <li class="card inbox-item" data-testid="inbox-item" data-file={doc.filename}>
      <div class="row-between">
        <h2 class="h3"><a href={href("document", doc.documentId)}>{doc.filename}</a></h2>
        <StatusBadge status={doc.status} />
      </div>
      <p class="hint">
        {formatDate(doc.receivedAt, locale, true)} · {doc.reason ? t(`reason.${doc.reason}`) : ""} · {t("doc.confidence")}: {percent(doc.confidence)}
      </p>
      <div class="inbox-actions">
        <div>
          <label for={typeId}>{t("inbox.type", { file: doc.filename })}</label>
          <div class="inline">
            <select id={typeId} value={type} onChange={(e) => setType(e.currentTarget.value)} data-testid="type-select">
              {DOCUMENT_TYPE_CODES.map((code) => <option key={code} value={code}>{t(`type.${code}`)}</option>)}
            </select>
            <button type="button" class="secondary" onClick={() => onCorrect(doc, { documentType: type })}>
              {t("inbox.saveType")}
            </button>
          </div>
        </div>
        <div>
          {candidates.length > 0 ? (
            <>
              <p class="label">{t("inbox.candidates")}</p>
              <ul class="candidates">
                {candidates.map((c) => (
                  <li key={c.dossierId}>
                    <button type="button" onClick={() => assign(c.dossierId)} data-dossier={c.dossierId}>
                      {t("inbox.assign", { name: names[c.dossierId] ?? c.dossierId })}
                    </button>
                    <span class="hint"> {t("inbox.score", { score: Math.round(c.score * 100) })} · {c.reason}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {/* always: the right dossier may be none of the proposals (opened after the document came in) */}
          <label>{t(candidates.length > 0 ? "inbox.otherDossier" : "inbox.noCandidates")}
            <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)}
              aria-label={t("inbox.search", { file: doc.filename })} autocomplete="off" />
          </label>
          {found.length > 0 && (
            <ul class="candidates">
              {found.map((d) => (
                <li key={d.dossierId}>
                  <button type="button" onClick={() => assign(d.dossierId)} data-dossier={d.dossierId}>
                    {t("inbox.assign", { name: `${d.surname}, ${d.givenNames} (${formatDate(d.birthDate, locale)})` })}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </li>
  );
}
