import { useEffect, useRef } from "preact/hooks";
import { useApp } from "./context.js";

/** The screen's title; it takes the focus when the screen opens, so keyboard and screen-reader
 * users land on the new content. */
export function Heading({ children }) {
  const ref = useRef(null);
  useEffect(() => { ref.current?.focus(); }, []);
  return <h1 ref={ref} tabIndex={-1}>{children}</h1>;
}

export function ErrorNote({ error }) {
  const { t } = useApp();
  if (!error) return null;
  return <p class="error" role="alert">{t("app.error", { message: error.message ?? String(error) })}</p>;
}

export function StatusBadge({ status }) {
  const { t } = useApp();
  return <span class={`badge status-${status}`} data-status={status}>{t(`status.${status}`)}</span>;
}

export function TypeLabel({ type }) {
  const { t } = useApp();
  return type ? t(`type.${type}`) : "–";
}

export function percent(value) {
  return value == null ? "–" : `${Math.round(value * 100)} %`;
}
