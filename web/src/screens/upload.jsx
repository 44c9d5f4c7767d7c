import { useEffect, useRef, useState } from "preact/hooks";
import { FINAL, isSettled, kindOf, PIPELINE, uploadFile } from "../api.js";
import { ErrorNote, Heading, StatusBadge } from "../components.jsx";
import { useApp } from "../context.js";
import { formatDate } from "../i18n.js";
import { concernsLabel, concernsPayload, EMPTY_PERSON, PERSON_FIELDS, PersonBlock, validateConcerns } from "./concerns.jsx";

const POLL_MS = 1000;
const POLL_LIMIT_MS = 10 * 60 * 1000;

let nextId = 0;

/** The steps a scan passes, with the one it has reached. */
export function steps(status) {
  const end = FINAL.has(status) ? status : "INDEXED";
  const order = [...PIPELINE, end];
  const reached = status === "UPLOADING" ? -1 : order.indexOf(status);
  return order.map((name, i) => ({ name, done: reached >= 0 && i <= reached, current: i === reached }));
}

export function UploadScreen() {
  const { t, api, locale } = useApp();
  const [items, setItems] = useState([]);
  const [history, setHistory] = useState(null);
  const [error, setError] = useState(null);
  const [dragging, setDragging] = useState(false);
  const [person, setPerson] = useState(EMPTY_PERSON);
  const [personErrors, setPersonErrors] = useState({});
  const [personOpen, setPersonOpen] = useState(false);
  const [blocked, setBlocked] = useState(false);
  const personBlock = useRef(null);
  const input = useRef(null);
  const alive = useRef(true);

  const update = (id, patch) => setItems((all) => all.map((it) => (it.id === id ? { ...it, ...patch } : it)));

  async function refresh() {
    try {
      setHistory((await api.get("/api/submissions")).items);
    } catch (e) {
      setError(e);
    }
  }

  useEffect(() => {
    refresh();
    return () => { alive.current = false; };
  }, []);

  async function follow(id, submissionId) {
    const started = Date.now();
    while (alive.current && Date.now() - started < POLL_LIMIT_MS) {
      try {
        const view = await api.get(`/api/submissions/${submissionId}`);
        const doc = view.documents[0];
        update(id, { view, status: doc?.status ?? view.status, reason: doc?.reason, detail: doc?.reasonDetail });
        if (isSettled(view)) break;
      } catch (e) {
        update(id, { failure: e });
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (alive.current) refresh();
  }

  async function start(file, concerns) {
    const id = ++nextId;
    const sent = kindOf(file.name) === "scan" ? concerns : null;
    setItems((all) => [{ id, name: file.name, progress: 0, status: "UPLOADING", concerns: sent }, ...all]);
    try {
      const submissionId = await uploadFile(api, file, (p) => update(id, { progress: p }), sent);
      update(id, { submissionId, status: "UPLOAD_PENDING" });
      follow(id, submissionId);
    } catch (e) {
      update(id, { failure: e, status: "FAILED" });
    }
  }

  function accept(files) {
    const list = Array.from(files ?? []);
    const concerns = concernsPayload(person);
    // a drop with scans and a faulty person block uploads nothing: the person would be missing or wrong
    if (concerns && list.some((f) => kindOf(f.name) === "scan")) {
      const found = validateConcerns(person);
      setPersonErrors(found);
      setBlocked(Object.keys(found).length > 0);
      if (Object.keys(found).length) {
        if (personBlock.current) personBlock.current.open = true;
        setPersonOpen(true);
        const first = PERSON_FIELDS.find((k) => found[k]) ?? "surname";
        document.getElementById(`person-${first}`)?.focus();
        return;
      }
    }
    for (const file of list) start(file, concerns);
  }

  function changePerson(key, value) {
    setPerson((p) => ({ ...p, [key]: value }));
    setPersonErrors((errs) => ({ ...errs, [key]: undefined, person: undefined }));
    setBlocked(false);
  }

  return (
    <section>
      <Heading>{t("upload.title")}</Heading>
      <PersonBlock form={person} errors={personErrors} open={personOpen} onToggle={setPersonOpen}
        onChange={changePerson} detailsRef={personBlock}
        onClear={() => { setPerson(EMPTY_PERSON); setPersonErrors({}); setBlocked(false); }} />
      <div
        class={`dropzone${dragging ? " dragging" : ""}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => { e.preventDefault(); setDragging(false); accept(e.dataTransfer?.files); }}
        data-testid="dropzone"
      >
        <p class="drop-title">{t("upload.drop")}</p>
        <p id="drop-hint" class="hint">{t("upload.dropHint")}</p>
        <label class="button-like">
          {t("upload.choose")}
          <input ref={input} type="file" multiple class="visually-hidden" aria-describedby="drop-hint"
            accept=".pdf,.tif,.tiff,.jpg,.jpeg,.png,.xml"
            onChange={(e) => { accept(e.currentTarget.files); e.currentTarget.value = ""; }} />
        </label>
      </div>
      {blocked && <p class="error" role="alert" data-testid="person-blocked">{t("upload.person.error.blocked")}</p>}

      {items.length > 0 && (
        <>
          <h2>{t("upload.current")}</h2>
          <ul class="uploads" aria-live="polite">
            {items.map((it) => <UploadItem key={it.id} item={it} />)}
          </ul>
        </>
      )}

      <div class="row-between">
        <h2>{t("upload.own")}</h2>
        <button type="button" class="secondary" onClick={refresh}>{t("upload.refresh")}</button>
      </div>
      <ErrorNote error={error} />
      {history && history.length === 0 && <p>{t("upload.none")}</p>}
      {history && history.length > 0 && (
        <table class="table" data-testid="submissions">
          <caption class="visually-hidden">{t("upload.own")}</caption>
          <thead><tr>
            <th scope="col">{t("upload.file")}</th><th scope="col">{t("upload.kind")}</th>
            <th scope="col">{t("upload.status")}</th><th scope="col">{t("upload.reason")}</th>
            <th scope="col">{t("upload.submitted")}</th><th scope="col">{t("upload.concerns")}</th>
          </tr></thead>
          <tbody>
            {history.map((s) => {
              const doc = s.documents[0];
              return (
                <tr key={s.submissionId}>
                  <td>{s.filename}</td>
                  <td>{t(`kind.${s.kind}`)}</td>
                  <td><StatusBadge status={doc?.status ?? s.status} /></td>
                  <td>{doc?.reason ? t(`reason.${doc.reason}`) : ""}</td>
                  <td>{formatDate(s.createdAt, locale, true)}</td>
                  <td data-testid="submission-concerns">{concernsLabel(s.concerns, locale)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function UploadItem({ item }) {
  const { t, locale } = useApp();
  const labelId = `upload-${item.id}`;
  return (
    <li class="upload" data-testid="upload-item" data-file={item.name} data-status={item.status}>
      <div class="row-between">
        <strong id={labelId}>{item.name}</strong>
        <StatusBadge status={item.status} />
      </div>
      <progress max="1" value={item.progress ?? 0} aria-label={t("upload.progress", { file: item.name })} />
      <ol class="steps" aria-label={t("status.steps")}>
        {steps(item.status).map((s) => (
          <li key={s.name} class={`${s.done ? "done" : ""} ${s.current ? "current" : ""}`}
            aria-current={s.current ? "step" : undefined}>{t(`status.${s.name}`)}</li>
        ))}
      </ol>
      {item.concerns && <p class="hint">{t("upload.for", { person: concernsLabel(item.concerns, locale) })}</p>}
      {item.reason && <p class="reason">{t(`reason.${item.reason}`)}{item.detail ? ` (${item.detail})` : ""}</p>}
      {item.failure && <p class="error" role="alert">{t("upload.failed", { message: item.failure.message })}</p>}
    </li>
  );
}
