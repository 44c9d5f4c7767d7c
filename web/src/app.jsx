import { useEffect, useMemo, useState } from "preact/hooks";
import { createApi } from "./api.js";
import {
  authorizeUrl, completeSignIn, loadConfig, logoutUrl, primaryRole, READER_ROLES, restoreSession, saveSession,
  UPLOADER_ROLES, isCallback, msUntilExpiry,
} from "./auth.js";
import { AppContext, useApp } from "./context.js";
import { Heading } from "./components.jsx";
import { initialLocale, LOCALES, translator } from "./i18n.js";
import { href, parseRoute } from "./router.js";
import { AuditScreen } from "./screens/audit.jsx";
import { DocumentScreen } from "./screens/document.jsx";
import { DossierScreen } from "./screens/dossier.jsx";
import { InboxScreen } from "./screens/inbox.jsx";
import { MessagesScreen } from "./screens/messages.jsx";
import { SearchScreen } from "./screens/search.jsx";
import { SignInScreen } from "./screens/signin.jsx";
import { UploadScreen } from "./screens/upload.jsx";

const LOCALE_KEY = "eakte.locale";
const LANGUAGE_NAMES = { "de-CH": "Deutsch (CH)", "de-DE": "Deutsch (DE)", "fr-CH": "Français" };

/** Which screens a role may open; the API enforces the same rules. */
export function screensFor(groups) {
  const screens = [];
  if (groups.some((g) => UPLOADER_ROLES.has(g))) screens.push("upload");
  if (groups.some((g) => READER_ROLES.has(g))) screens.push("search", "inbox", "messages");
  if (groups.includes("auditor")) screens.push("audit");
  return screens;
}

const DETAIL_SCREENS = { dossier: "search", document: "search" };

function useHashRoute() {
  const [route, setRoute] = useState(() => parseRoute(globalThis.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(globalThis.location.hash));
    globalThis.addEventListener("hashchange", onChange);
    return () => globalThis.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function App() {
  const [locale, setLocale] = useState(() =>
    initialLocale(globalThis.localStorage?.getItem(LOCALE_KEY), globalThis.navigator?.languages ?? []));
  const [config, setConfig] = useState(null);
  const [session, setSession] = useState(() => restoreSession());
  const [authError, setAuthError] = useState(null);
  const [expired, setExpired] = useState(false);
  const route = useHashRoute();
  const t = useMemo(() => translator(locale), [locale]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t("app.title");
    globalThis.localStorage?.setItem(LOCALE_KEY, locale);
  }, [locale, t]);

  useEffect(() => {
    loadConfig().then(async (loaded) => {
      if (isCallback(globalThis.location.search)) {
        try {
          const fresh = await completeSignIn(loaded, globalThis.location.search);
          if (fresh) signIn(fresh);
        } catch (e) {
          setAuthError(e.message);
        } finally {
          globalThis.history.replaceState(null, "", globalThis.location.pathname);  // the code is spent
        }
      }
      setConfig(loaded);
    });
  }, []);

  function signIn(fresh) {
    saveSession(fresh);
    setSession(fresh);
  }

  function signOut() {
    saveSession(null);
    setSession(null);
    globalThis.location.hash = "";
    globalThis.location.assign(logoutUrl(config));
  }

  // The token has expired (or the API no longer takes it): back to the sign-in, to sign in again.
  function expire() {
    saveSession(null);
    setSession(null);
    setAuthError(null);
    setExpired(true);
  }
  useEffect(() => {
    if (!session) return undefined;
    setExpired(false);
    const timer = setTimeout(expire, Math.min(msUntilExpiry(session), 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [session]);

  const api = useMemo(() => createApi({
    baseUrl: config?.apiBaseUrl ?? "",
    getToken: () => session?.token ?? "",
    onUnauthorized: () => expire(),
  }), [config, session]);

  const context = { t, locale, api, session, config };

  if (!config) {
    return <main id="main"><p role="status">{t("app.loading")}</p></main>;
  }

  const allowed = session ? screensFor(session.groups) : [];
  let screen = route.name;
  if (screen === "home") screen = allowed[0] ?? "none";
  const section = DETAIL_SCREENS[screen] ?? screen;

  return (
    <AppContext.Provider value={context}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        {t("app.skip")}
      </a>
      <header class="top">
        <div class="brand">
          <span class="app-name">{t("app.title")}</span>
          <span class="office">{t("app.office")}</span>
        </div>
        {session && (
          <nav aria-label={t("app.nav")}>
            <ul>
              {allowed.map((name) => (
                <li key={name}>
                  <a href={href(name)} aria-current={section === name ? "page" : undefined}>{t(`nav.${name}`)}</a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="tools">
          <div class="language">
            <label for="language">{t("app.language")}</label>
            <select id="language" value={locale} onChange={(e) => setLocale(e.currentTarget.value)}>
              {LOCALES.map((l) => <option key={l} value={l} lang={l}>{LANGUAGE_NAMES[l]}</option>)}
            </select>
          </div>
          {session && (
            <>
              <span class="who" data-testid="who">
                {t("app.signedInAs", { user: session.subject, role: t(`role.${primaryRole(session.groups)}`) })}
              </span>
              <button type="button" class="secondary" onClick={signOut}>{t("app.signOut")}</button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {!session && <SignInScreen config={config} error={authError} expired={expired}
          onCognito={async () => globalThis.location.assign(await authorizeUrl(config))} />}
        {session && <Screen name={screen} id={route.id} allowed={allowed} />}
      </main>
    </AppContext.Provider>
  );
}

function Screen({ name, id, allowed }) {
  const { t } = useApp();
  const needed = DETAIL_SCREENS[name] ?? name;
  if (!allowed.includes(needed)) {
    return <NotAllowed />;
  }
  switch (name) {
    case "upload": return <UploadScreen />;
    case "search": return <SearchScreen />;
    case "dossier": return <DossierScreen key={id} dossierId={id} />;
    case "document": return <DocumentScreen key={id} documentId={id} />;
    case "inbox": return <InboxScreen />;
    case "messages": return <MessagesScreen />;
    case "audit": return <AuditScreen />;
    default: return <p>{t("app.notAllowed")}</p>;
  }
}

function NotAllowed() {
  const { t, session } = useApp();
  return (
    <section>
      <Heading>{t("app.title")}</Heading>
      <p>{t("app.notAllowed")}</p>
      {session.groups.includes("ops") && <p>{t("signin.opsNote")}</p>}
    </section>
  );
}
