import { ErrorNote, Heading } from "../components.jsx";
import { useApp } from "../context.js";

// One sign-in: the code flow with PKCE, in AWS against Cognito's hosted UI, locally against the
// dev issuer's copy of it (eakte/local/hosted_ui.py, which marks itself DEVELOPMENT ONLY).
export function SignInScreen({ config, onCognito, error, expired }) {
  const { t } = useApp();
  const dev = Boolean(config.development);
  return (
    <section class="card narrow">
      <Heading>{t("signin.title")}</Heading>
      {dev && <p class="dev-banner" role="note"><strong>DEV</strong> {t("signin.devBanner")}</p>}
      {expired && <p class="notice-box" role="status">{t("signin.expired")}</p>}
      <ErrorNote error={error && { message: t("signin.callbackFailed", { message: error }) }} />
      <p>{t(dev ? "signin.devHint" : "signin.cognitoHint")}</p>
      <button type="button" onClick={onCognito}>{t(dev ? "signin.devContinue" : "signin.cognito")}</button>
    </section>
  );
}
