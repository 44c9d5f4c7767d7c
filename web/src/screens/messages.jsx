import { useEffect, useState } from "preact/hooks";
import { ErrorNote, Heading } from "../components.jsx";
import { useApp } from "../context.js";
import { formatDate } from "../i18n.js";
import { href } from "../router.js";
import { eventLabel, MESSAGE_PENDING, POLL_MS } from "./dossier.jsx";

/** Federal messages and their receipts: shown when the API offers GET /api/messages (the
 * message-exchange work); until then the screen says so instead of failing. */
export function MessagesScreen() {
  const { t, api, locale } = useApp();
  const [items, setItems] = useState(null);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    api.get("/api/messages").then((r) => setItems(r.items ?? []), (e) => {
      if (e.status === 404) setUnavailable(true);
      else setError(e);
    });
  }, []);

  // live status: look again while a message waits for delivery or for its receipt
  const pending = (items ?? []).some((m) => MESSAGE_PENDING.has(m.status));
  useEffect(() => {
    if (!pending) return undefined;
    const timer = setInterval(() => {
      api.get("/api/messages").then((r) => setItems(r.items ?? []), () => {});
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [pending]);

  return (
    <section>
      <Heading>{t("messages.title")}</Heading>
      {unavailable && <p class="notice-box" role="note">{t("messages.unavailable")}</p>}
      <ErrorNote error={error} />
      {items && items.length === 0 && <p>{t("messages.empty")}</p>}
      {pending && <p class="hint">{t("messages.live")}</p>}
      {items && items.length > 0 && (
        <table class="table" data-testid="messages-table">
          <caption class="visually-hidden">{t("messages.title")}</caption>
          <thead><tr>
            <th scope="col">{t("messages.type")}</th><th scope="col">{t("messages.kind")}</th>
            <th scope="col">{t("upload.status")}</th><th scope="col">{t("messages.created")}</th>
            <th scope="col">{t("messages.receipt")}</th><th scope="col">{t("person.dossier")}</th>
          </tr></thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.messageId} data-status={m.status} data-message-id={m.messageId}>
                <td>{m.messageType}{m.event ? ` · ${eventLabel(t, m.event)}` : ""}</td>
                <td>{t(`messages.kind.${m.kind}`)}</td>
                <td><span class={`badge message-${m.status}`}>{t(`messages.status.${m.status}`)}</span></td>
                <td>{formatDate(m.createdAt, locale, true)}</td>
                <td>{m.receipt
                  ? `${m.receipt.statusCode} ${m.receipt.statusInfo} (${formatDate(m.receipt.receivedAt, locale, true)})`
                  : "–"}</td>
                <td>{m.dossierId ? <a href={href("dossier", m.dossierId)} class="mono">{m.dossierId}</a> : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
