import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { useApp } from "../context.js";

// eCH-0006 residence permit categories the API accepts (residencePermitType), with readable labels
// in the translation table ("permit.<code>"). 01 (seasonal workers) is no longer issued.
export const PERMIT_CODES = ["02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"];
export const EVENTS = ["changeResidencePermit", "correctResidencePermit"];
export const COMMENT_MAX = 250;
// a failed request is repeated with the same request id, so the API makes one message of it
const RETRY_DELAYS_MS = [800, 2000];

/** A fresh request id: one per form submission (repeated unchanged on retries). */
export function newRequestId() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What the form checks before asking the API (the API checks it all again, and the schema). */
export function validateReport(form) {
  const errors = {};
  if (!EVENTS.includes(form.event)) errors.event = "federal.error.event";
  if (!form.residencePermit) errors.residencePermit = "federal.error.permit";
  if (form.residencePermitValidFrom && form.residencePermitValidTill
      && form.residencePermitValidTill < form.residencePermitValidFrom) {
    errors.residencePermitValidTill = "federal.error.dateOrder";
  }
  if ((form.comment ?? "").length > COMMENT_MAX) errors.comment = "federal.error.comment";
  return errors;
}

/** The request body: only what was filled in, and the submission's request id. */
export function reportBody(form, requestId) {
  const body = { event: form.event, residencePermit: form.residencePermit, requestId };
  for (const key of ["residencePermitValidFrom", "residencePermitValidTill"]) if (form[key]) body[key] = form[key];
  const comment = (form.comment ?? "").trim();
  if (comment) body.comment = comment;
  return body;
}

const retryable = (e) => !(e instanceof ApiError) || e.status === 0 || e.status >= 500;
const EMPTY = { event: "changeResidencePermit", residencePermit: "", residencePermitValidFrom: "",
  residencePermitValidTill: "", comment: "" };

/** "Report to the federal register": a residence permit decision or correction about the dossier's
 * person (POST /api/dossiers/{id}/messages). Caseworkers and team leads only (the caller decides). */
export function FederalReportForm({ dossierId, onSent, makeId = newRequestId, wait = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  const { t, api } = useApp();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState({});
  const [refusal, setRefusal] = useState(null);  // the API's 4xx: code and message (with the validator's path)
  const [failure, setFailure] = useState(null);  // could not reach the API: the same request can be repeated
  const [sent, setSent] = useState(null);
  const [busy, setBusy] = useState(false);
  // (the button stays enabled while sending, so the keyboard focus stays on it; a second press is ignored)
  // one id per submission: kept while the same content is retried, new once anything is changed
  const [requestId, setRequestId] = useState(null);

  const set = (key) => (e) => {
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [key]: value }));
    setRequestId(null);
    setErrors((errs) => ({ ...errs, [key]: undefined }));
  };

  async function submit(e) {
    e.preventDefault();
    if (busy) return;
    const found = validateReport(form);
    setErrors(found);
    setRefusal(null);
    setSent(null);
    if (Object.keys(found).length) {
      document.getElementById(`federal-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    const id = requestId ?? makeId();
    setRequestId(id);
    setBusy(true);
    setFailure(null);
    try {
      let message = null;
      for (let attempt = 0; ; attempt++) {
        try {
          message = await api.post(`/api/dossiers/${dossierId}/messages`, reportBody(form, id));
          break;
        } catch (err) {
          if (!retryable(err) || attempt >= RETRY_DELAYS_MS.length) throw err;
          await wait(RETRY_DELAYS_MS[attempt]);
        }
      }
      setSent(message);
      setForm(EMPTY);
      setRequestId(null);
      onSent?.(message);
    } catch (err) {
      if (retryable(err)) setFailure(err);
      else setRefusal({ code: err.code, message: err.message, status: err.status });
    } finally {
      setBusy(false);
    }
  }

  const described = (key) => (errors[key] ? { "aria-invalid": "true", "aria-describedby": `federal-${key}-error` } : {});
  const fieldError = (key) => errors[key] && <span id={`federal-${key}-error`} class="field-error">{t(errors[key])}</span>;

  return (
    <form class="card federal-form" onSubmit={submit} noValidate aria-labelledby="federal-title" data-testid="federal-form">
      <h2 id="federal-title">{t("federal.title")}</h2>
      <p class="hint">{t("federal.hint")}</p>
      <fieldset>
        <legend>{t("federal.event")}</legend>
        {EVENTS.map((event) => (
          <label key={event} class="choice">
            <input type="radio" name="federal-event" value={event} checked={form.event === event}
              onChange={set("event")} id={event === EVENTS[0] ? "federal-event" : undefined} />
            {t(`federal.event.${event}`)}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for="federal-residencePermit">{t("federal.permit")}</label>
        <select id="federal-residencePermit" value={form.residencePermit} onChange={set("residencePermit")}
          required {...described("residencePermit")}>
          <option value="">{t("federal.permitChoose")}</option>
          {PERMIT_CODES.map((code) => <option key={code} value={code}>{t(`permit.${code}`)} ({code})</option>)}
        </select>
        {fieldError("residencePermit")}
      </div>
      <div class="field-row">
        <div class="field">
          <label for="federal-residencePermitValidFrom">{t("federal.validFrom")}</label>
          <input type="date" id="federal-residencePermitValidFrom" value={form.residencePermitValidFrom}
            onInput={set("residencePermitValidFrom")} {...described("residencePermitValidFrom")} />
        </div>
        <div class="field">
          <label for="federal-residencePermitValidTill">{t("federal.validTill")}</label>
          <input type="date" id="federal-residencePermitValidTill" value={form.residencePermitValidTill}
            onInput={set("residencePermitValidTill")} {...described("residencePermitValidTill")} />
          {fieldError("residencePermitValidTill")}
        </div>
      </div>
      <div class="field">
        <label for="federal-comment">{t("federal.comment")}</label>
        <textarea id="federal-comment" rows={2} maxLength={COMMENT_MAX} value={form.comment}
          onInput={set("comment")} {...described("comment")} />
        {fieldError("comment")}
      </div>
      <div class="inline">
        <button type="submit" aria-disabled={busy ? "true" : undefined}>{busy ? t("federal.sending") : t("federal.send")}</button>
      </div>
      <div aria-live="polite" data-testid="federal-result">
        {refusal && (
          <div class="error" role="alert" data-testid="federal-refusal">
            <p>{t(refusal.status === 422 ? "federal.refused" : "federal.notAccepted")}</p>
            <p><code>{refusal.code}</code>: <span class="mono">{refusal.message}</span></p>
          </div>
        )}
        {failure && (
          <p class="error" role="alert">{t("federal.unreachable", { message: failure.message ?? String(failure) })}</p>
        )}
        {sent && <p class="ok" role="status">{t("federal.queued", { status: t(`messages.status.${sent.status}`) })}</p>}
      </div>
    </form>
  );
}

/** The dossier's owning team; a team lead can move the dossier to another team (audited). */
export function TeamPanel({ dossier, onMoved }) {
  const { t, api, session } = useApp();
  const lead = session?.groups?.includes("teamlead");
  const [teams, setTeams] = useState(null);
  const [team, setTeam] = useState("");
  const [reason, setReason] = useState("");
  const [state, setState] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (lead) api.get("/api/teams").then((r) => setTeams(r.items ?? []), (e) => setState({ error: e }));
  }, [lead]);

  async function move(e) {
    e.preventDefault();
    if (busy) return;
    if (!team || team === dossier.team) {
      setState({ error: { message: t("team.chooseOther") } });
      return;
    }
    setBusy(true);
    setState(null);
    try {
      const body = reason.trim() ? { team, reason: reason.trim() } : { team };
      const moved = await api.patch(`/api/dossiers/${dossier.dossierId}`, body);
      setState({ moved: moved.team });
      setTeam("");
      setReason("");
      onMoved?.(moved);
    } catch (err) {
      setState({ error: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="team-panel" data-testid="team-panel">
      <dl class="facts">
        <dt>{t("team.owner")}</dt><dd data-testid="dossier-team">{teamLabel(t, dossier.team)}</dd>
      </dl>
      {lead && (
        <form onSubmit={move} aria-labelledby="team-move-title" data-testid="team-move">
          <h3 id="team-move-title">{t("team.move")}</h3>
          <div class="field">
            <label for="team-target">{t("team.target")}</label>
            <select id="team-target" value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
              <option value="">{t("team.choose")}</option>
              {(teams ?? []).filter((x) => x !== dossier.team).map((x) => <option key={x} value={x}>{teamLabel(t, x)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="team-reason">{t("team.reason")}</label>
            <input id="team-reason" type="text" maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <button type="submit" aria-disabled={busy ? "true" : undefined}>{t("team.moveButton")}</button>
          <div aria-live="polite">
            {state?.moved && <p class="ok" role="status">{t("team.moved", { team: teamLabel(t, state.moved) })}</p>}
            {state?.error && <p class="error" role="alert">{t("app.error", { message: state.error.message })}</p>}
          </div>
        </form>
      )}
    </div>
  );
}

/** A team's name from the translation table, its code where the table has none. */
export function teamLabel(t, team) {
  if (!team) return "–";
  const label = t(`team.name.${team}`);
  return label === `team.name.${team}` ? team : label;
}
