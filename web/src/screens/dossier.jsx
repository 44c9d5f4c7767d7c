import { useEffect, useState } from "preact/hooks";
import { ErrorNote, Heading, percent, StatusBadge, TypeLabel } from "../components.jsx";
import { useApp } from "../context.js";
import { formatDate } from "../i18n.js";
import { href } from "../router.js";
import { fieldLabel } from "./document.jsx";
import { FederalReportForm, TeamPanel } from "./federal.jsx";

const SENDER_ROLES = ["caseworker", "teamlead"];
// a message in one of these states still changes (receipts arrive asynchronously): keep looking
export const MESSAGE_PENDING = new Set(["QUEUED", "SENT"]);
export const POLL_MS = 1500;

/** Documents (and federal messages, where the messages API exists) as one timeline, newest first. */
export function timeline(documents, messages, typeFilter) {
  const entries = [
    ...documents.map((d) => ({ kind: "document", at: d.receivedAt, type: d.documentType, item: d })),
    ...messages.map((m) => ({ kind: "message", at: m.createdAt ?? m.sentAt ?? m.receivedAt, type: "message", item: m })),
  ];
  return entries
    .filter((e) => !typeFilter || e.type === typeFilter)
    .sort((a, b) => String(b.at).localeCompare(String(a.at)));
}

export function DossierScreen({ dossierId }) {
  const { t, api, locale, session } = useApp();
  const [dossier, setDossier] = useState(null);
  const [messages, setMessages] = useState([]);
  const [filter, setFilter] = useState("");
  const [error, setError] = useState(null);

  useEffect(() => {
    api.get(`/api/dossiers/${dossierId}`).then(setDossier, setError);
    // federal messages of this person, once the message exchange offers them
    api.get("/api/messages", { dossierId }).then((r) => setMessages(r.items ?? []), () => setMessages([]));
  }, [dossierId]);

  // live status: while a message of the person waits for delivery or its receipt, look again
  const pending = messages.some((m) => MESSAGE_PENDING.has(m.status));
  useEffect(() => {
    if (!pending) return undefined;
    const timer = setInterval(() => {
      api.get("/api/messages", { dossierId }).then((r) => setMessages(r.items ?? []), () => {});
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [pending, dossierId]);

  const sender = session?.groups?.some((g) => SENDER_ROLES.includes(g));
  const onSent = (message) => setMessages((list) => [message, ...list.filter((m) => m.messageId !== message.messageId)]);

  if (error) return <ErrorNote error={error} />;
  if (!dossier) return <p role="status">{t("app.loading")}</p>;

  const name = `${dossier.surname}, ${dossier.givenNames}`;
  const types = [...new Set(dossier.documents.map((d) => d.documentType).filter(Boolean))];
  const entries = timeline(dossier.documents, messages, filter);

  return (
    <section>
      <Heading>{t("dossier.title", { name })}</Heading>
      <div class="columns">
        <div class="card">
          <h2>{t("dossier.person")}</h2>
          <dl class="facts">
            <dt>{t("person.surname")}</dt><dd>{dossier.surname}</dd>
            <dt>{t("person.givenNames")}</dt><dd>{dossier.givenNames || "–"}</dd>
            <dt>{t("person.birthDate")}</dt><dd>{formatDate(dossier.birthDate, locale) || "–"}</dd>
            <dt>{t("person.nationality")}</dt><dd>{dossier.nationality ?? "–"}</dd>
            <dt>{t("person.sex")}</dt><dd>{dossier.sex ?? "–"}</dd>
            <dt>{t("person.dossier")}</dt><dd class="mono">{dossier.dossierId}</dd>
          </dl>
          <h3>{t("person.refs")}</h3>
          <dl class="facts" data-testid="references">
            {Object.entries(dossier.referenceNumbers ?? {}).map(([k, v]) => (
              [<dt key={`${k}-k`}>{fieldLabel(t, k)}</dt>,
               <dd key={`${k}-v`}><span class="mono">{v}</span>
                 {dossier.referenceSources?.[k] && (
                   <> <span class="hint">({t("person.refFrom", { id: dossier.referenceSources[k] })})</span></>
                 )}
               </dd>]
            ))}
          </dl>
          {dossier.addresses?.length > 0 && (
            <>
              <h3>{t("person.addresses")}</h3>
              <ul data-testid="addresses">
                {dossier.addresses.map((a) => (
                  <li key={a.address}>{a.address} <span class="hint">({t("person.addressFrom", { id: a.source })})</span></li>
                ))}
              </ul>
            </>
          )}
          <p class="hint">{t("dossier.opened", { date: formatDate(dossier.createdAt, locale) })}</p>
          <TeamPanel dossier={dossier} onMoved={(moved) => setDossier((d) => ({ ...d, team: moved.team }))} />
        </div>
        <div class="grow">
        <div class="card">
          <div class="row-between">
            <h2>{t("dossier.timeline")}</h2>
            <div class="inline">
              <label for="type-filter">{t("dossier.filter")}</label>
              <select id="type-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} name="typeFilter">
                <option value="">{t("dossier.allTypes")}</option>
                {types.map((type) => <option key={type} value={type}>{t(`type.${type}`)}</option>)}
                {messages.length > 0 && <option value="message">{t("dossier.message")}</option>}
              </select>
            </div>
          </div>
          {entries.length === 0 && <p>{t("dossier.empty")}</p>}
          <ol class="timeline" data-testid="timeline">
            {entries.map((e) => (e.kind === "document"
              ? <DocumentEntry key={e.item.documentId} doc={e.item} />
              : <MessageEntry key={e.item.messageId ?? e.at} message={e.item} />))}
          </ol>
          {pending && <p class="hint">{t("messages.live")}</p>}
        </div>
        {sender && <FederalReportForm dossierId={dossier.dossierId} onSent={onSent} />}
        </div>
      </div>
    </section>
  );
}

function DocumentEntry({ doc }) {
  const { t, locale } = useApp();
  return (
    <li class="entry" data-document-id={doc.documentId} data-type={doc.documentType ?? ""}>
      <time datetime={doc.receivedAt}>{formatDate(doc.receivedAt, locale, true)}</time>
      <span class="entry-type"><TypeLabel type={doc.documentType} /></span>
      <a href={href("document", doc.documentId)}>{doc.filename}</a>
      <StatusBadge status={doc.status} />
      <span class="hint">{t("doc.confidence")}: {percent(doc.confidence)}</span>
    </li>
  );
}

function MessageEntry({ message }) {
  const { t, locale } = useApp();
  const at = message.createdAt ?? message.sentAt;
  return (
    <li class="entry" data-message-id={message.messageId} data-status={message.status}>
      <time datetime={at}>{formatDate(at, locale, true)}</time>
      <span class="entry-type">{t("dossier.message")}</span>
      <span>{eventLabel(t, message.event) || message.messageType || message.type || ""}</span>
      {message.status && <span class={`badge message-${message.status}`}>{t(`messages.status.${message.status}`)}</span>}
    </li>
  );
}

/** A federal message's event in words where the table has it (else the eCH event name). */
export function eventLabel(t, event) {
  if (!event) return "";
  const label = t(`messages.event.${event}`);
  return label === `messages.event.${event}` ? event : label;
}
