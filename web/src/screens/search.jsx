import { useEffect, useState } from "preact/hooks";
import { ErrorNote, Heading } from "../components.jsx";
import { useApp } from "../context.js";
import { formatDate } from "../i18n.js";
import { href } from "../router.js";
import { fieldLabel } from "./document.jsx";
import { teamLabel } from "./federal.jsx";

const DEBOUNCE_MS = 250;

/** The query to send, or null while the input is not enough for the API (q needs a name token
 * of at least three letters; birthDate YYYY-MM-DD; ref at least three characters). */
export function searchQuery({ q, birthDate, ref }) {
  const query = {};
  const name = (q ?? "").trim();
  if (name.split(/\s+/).some((token) => token.replace(/[^\p{L}]/gu, "").length >= 3)) query.q = name;
  if (/^\d{4}-\d{2}-\d{2}$/.test(birthDate ?? "")) query.birthDate = birthDate;
  if ((ref ?? "").trim().length >= 3) query.ref = ref.trim();
  return Object.keys(query).length ? query : null;
}

export function SearchScreen() {
  const { t, api, locale } = useApp();
  const [form, setForm] = useState({ q: "", birthDate: "", ref: "" });
  const [results, setResults] = useState(null);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    const query = searchQuery(form);
    if (!query) {
      setResults(null);
      return undefined;
    }
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const found = await api.get("/api/dossiers", query);
        if (current) {
          setResults(found.items);
          setTruncated(Boolean(found.truncated));
          setError(null);
        }
      } catch (e) {
        if (current) setError(e);
      }
    }, DEBOUNCE_MS);
    return () => { current = false; clearTimeout(timer); };
  }, [form.q, form.birthDate, form.ref]);

  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });

  return (
    <section>
      <Heading>{t("search.title")}</Heading>
      <form class="search-form" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="search-q">{t("search.name")}</label>
          <input id="search-q" type="search" name="q" value={form.q} onInput={set("q")} autocomplete="off"
            aria-describedby="q-hint" />
          <span id="q-hint" class="hint">{t("search.nameHint")}</span>
        </div>
        <label>{t("search.birthDate")}
          <input type="date" name="birthDate" value={form.birthDate} onInput={set("birthDate")} />
        </label>
        <label>{t("search.ref")}
          <input name="ref" value={form.ref} onInput={set("ref")} autocomplete="off" />
        </label>
      </form>
      <ErrorNote error={error} />
      <p role="status" class="result-count">
        {results === null ? t("search.prompt")
          : truncated ? t("search.more", { count: results.length })
            : results.length ? t("search.results", { count: results.length }) : t("search.noResults")}
      </p>
      {results && results.length > 0 && (
        <table class="table" data-testid="search-results">
          <caption class="visually-hidden">{t("search.title")}</caption>
          <thead><tr>
            <th scope="col">{t("person.surname")}</th><th scope="col">{t("person.givenNames")}</th>
            <th scope="col">{t("person.birthDate")}</th><th scope="col">{t("person.nationality")}</th>
            <th scope="col">{t("person.refs")}</th><th scope="col">{t("person.dossier")}</th>
            <th scope="col">{t("search.team")}</th>
          </tr></thead>
          <tbody>
            {results.map((d) => (
              <tr key={d.dossierId}>
                <td><a href={href("dossier", d.dossierId)}>{d.surname}</a></td>
                <td>{d.givenNames}</td>
                <td>{formatDate(d.birthDate, locale)}</td>
                <td>{d.nationality ?? ""}</td>
                <td>{Object.entries(d.referenceNumbers ?? {}).map(([k, v]) => `${fieldLabel(t, k)}: ${v}`).join(", ")}</td>
                <td class="mono">{d.dossierId}</td>
                <td>{teamLabel(t, d.team)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
