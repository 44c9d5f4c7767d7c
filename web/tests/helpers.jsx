import { render } from "@testing-library/preact";
import { AppContext } from "../src/context.js";
import { translator } from "../src/i18n.js";

export function fakeApi(routes = {}) {
  const calls = [];
  const handle = (method) => async (path, arg) => {
    calls.push({ method, path, arg });
    const answer = routes[`${method} ${path}`] ?? routes[path];
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? answer(arg) : answer ?? { items: [] };
  };
  return { calls, get: handle("GET"), post: handle("POST"), patch: handle("PATCH") };
}

export function renderWith(ui, { api = fakeApi(), locale = "de-CH", session = null } = {}) {
  const context = { t: translator(locale), locale, api, session, config: { auth: "oauth", development: true } };
  return { api, ...render(<AppContext.Provider value={context}>{ui}</AppContext.Provider>) };
}
