import { useState } from "preact/hooks";
import { devSignIn, ROLES, UPLOADER_ROLES, READER_ROLES } from "../auth.js";
import { ErrorNote, Heading } from "../components.jsx";
import { useApp } from "../context.js";

const DEFAULTS = {
  caseworker: { subject: "sachbearbeiterin", team: "team-a" },
  teamlead: { subject: "teamleitung", team: "team-a" },
  municipality: { subject: "gemeinde-winterthur", tenant: "bfs-230" },
  police: { subject: "kapo-bern", tenant: "kapo-be" },
  scanner: { subject: "scan-dienst", tenant: "scan-ag" },
  auditor: { subject: "revision", tenant: "" },
  ops: { subject: "betrieb", tenant: "" },
};

export function SignInScreen({ config, onSignedIn, onCognito, error }) {
  const { t } = useApp();
  if (config.auth === "cognito") {
    return (
      <section class="card narrow">
        <Heading>{t("signin.title")}</Heading>
        <ErrorNote error={error && { message: t("signin.callbackFailed", { message: error }) }} />
        <p>{t("signin.cognitoHint")}</p>
        <button type="button" onClick={onCognito}>{t("signin.cognito")}</button>
      </section>
    );
  }
  return <DevSignIn onSignedIn={onSignedIn} />;
}

function DevSignIn({ onSignedIn }) {
  const { t } = useApp();
  const [role, setRole] = useState("caseworker");
  const [subject, setSubject] = useState(DEFAULTS.caseworker.subject);
  const [tenant, setTenant] = useState("");
  const [team, setTeam] = useState(DEFAULTS.caseworker.team);
  const [failure, setFailure] = useState(null);

  function pick(next) {
    setRole(next);
    setSubject(DEFAULTS[next].subject);
    setTenant(DEFAULTS[next].tenant ?? "");
    setTeam(DEFAULTS[next].team ?? "");
  }

  async function submit(e) {
    e.preventDefault();
    setFailure(null);
    try {
      onSignedIn(await devSignIn({ subject, role, tenant, team }));
    } catch (err) {
      setFailure(err);
    }
  }

  return (
    <section class="card narrow">
      <Heading>{t("signin.title")}</Heading>
      <p class="dev-banner" role="note"><strong>DEV</strong> {t("signin.devBanner")}</p>
      <form onSubmit={submit} class="form">
        <fieldset>
          <legend>{t("signin.role")}</legend>
          <div class="roles">
            {ROLES.map((r) => (
              <label key={r} class="choice">
                <input type="radio" name="role" value={r} checked={role === r} onChange={() => pick(r)} />
                {t(`role.${r}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <label>{t("signin.user")}
          <input name="subject" value={subject} required maxLength={64} onInput={(e) => setSubject(e.currentTarget.value)} />
        </label>
        {UPLOADER_ROLES.has(role) && (
          <label>{t("signin.tenant")}
            <input name="tenant" value={tenant} required maxLength={64} onInput={(e) => setTenant(e.currentTarget.value)} />
          </label>
        )}
        {READER_ROLES.has(role) && (
          <label>{t("signin.team")}
            <input name="team" value={team} maxLength={64} onInput={(e) => setTeam(e.currentTarget.value)} />
          </label>
        )}
        <ErrorNote error={failure} />
        <button type="submit">{t("signin.submit")}</button>
      </form>
    </section>
  );
}
