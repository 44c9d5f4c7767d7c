import { useEffect, useState } from "preact/hooks";
import { ErrorNote, Heading } from "../components.jsx";
import { useApp } from "../context.js";
import { formatDate } from "../i18n.js";

export const ACTIONS = ["read_document", "download_original", "read_dossier", "search_dossiers", "correct_document"];

/** Client-side filters on top of the API's dossier filter: action and actor (substring). */
export function filterEvents(events, { action, actor }) {
  const who = (actor ?? "").trim().toLocaleLowerCase();
  return events.filter((e) => (!action || e.action === action) && (!who || e.actor.toLocaleLowerCase().includes(who)));
}

function describe(event) {
  const d = event.details ?? {};
  if (event.action === "correct_document" && d.before && d.after) {
    return `${d.before.documentType ?? "–"} → ${d.after.documentType ?? "–"}; ${d.before.dossierId ?? "–"} → ${d.after.dossierId ?? "–"}`;
  }
  if (event.action === "search_dossiers") {
    return [d.q, d.birthDate, d.ref].filter(Boolean).join(" · ");
  }
  return event.reason ?? "";
}

export function AuditScreen() {
  const { t, api, locale } = useApp();
  const [dossierId, setDossierId] = useState("");
  const [applied, setApplied] = useState("");
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [events, setEvents] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    api.get("/api/audit", { dossierId: applied }).then((r) => { setEvents(r.items); setError(null); }, setError);
  }, [applied]);

  const shown = filterEvents(events ?? [], { action, actor });

  return (
    <section>
      <Heading>{t("audit.title")}</Heading>
      <form class="search-form align-end" onSubmit={(e) => { e.preventDefault(); setApplied(dossierId.trim()); }}>
        <div class="field">
          <label for="audit-dossier">{t("audit.dossier")}</label>
          <input id="audit-dossier" name="dossierId" value={dossierId} autocomplete="off"
            onInput={(e) => setDossierId(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="audit-action">{t("audit.action")}</label>
          <select id="audit-action" name="action" value={action} onChange={(e) => setAction(e.currentTarget.value)}>
            <option value="">{t("audit.allActions")}</option>
            {ACTIONS.map((a) => <option key={a} value={a}>{t(`action.${a}`)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="audit-actor">{t("audit.actor")}</label>
          <input id="audit-actor" name="actor" value={actor} onInput={(e) => setActor(e.currentTarget.value)} autocomplete="off" />
        </div>
        <button type="submit">{t("audit.filter")}</button>
      </form>
      <ErrorNote error={error} />
      {events && <p role="status">{t("audit.count", { count: shown.length })}</p>}
      {events && shown.length === 0 && <p>{t("audit.empty")}</p>}
      {shown.length > 0 && (
        <table class="table" data-testid="audit-table">
          <caption class="visually-hidden">{t("audit.title")}</caption>
          <thead><tr>
            <th scope="col">{t("audit.at")}</th><th scope="col">{t("audit.actor")}</th>
            <th scope="col">{t("audit.action")}</th><th scope="col">{t("audit.target")}</th>
            <th scope="col">{t("person.dossier")}</th><th scope="col">{t("audit.details")}</th>
          </tr></thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.eventId}>
                <td>{formatDate(e.at, locale, true)}</td>
                <td>{e.actor}</td>
                <td>{t(`action.${e.action}`)}</td>
                <td class="mono">{e.targetId}</td>
                <td class="mono">{e.dossierId ?? "–"}</td>
                <td>{describe(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
