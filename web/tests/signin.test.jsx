import { cleanup, fireEvent, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCAL_CONFIG } from "../src/auth.js";
import { SignInScreen } from "../src/screens/signin.jsx";
import { renderWith } from "./helpers.jsx";

const AWS = { auth: "oauth", cognitoDomain: "https://login.example.test", clientId: "c", issuer: "https://idp" };

afterEach(cleanup);

describe("sign-in screen (code flow)", () => {
  it("locally: marks the development sign-in and goes to the local issuer", () => {
    const go = vi.fn();
    renderWith(<SignInScreen config={LOCAL_CONFIG} onCognito={go} />);
    expect(screen.getByRole("note").textContent).toContain("Entwicklungs-Anmeldung");
    fireEvent.click(screen.getByRole("button", { name: "Weiter zur Entwicklungs-Anmeldung" }));
    expect(go).toHaveBeenCalledOnce();
  });

  it("in AWS: no development marking, the office's sign-in", () => {
    renderWith(<SignInScreen config={AWS} onCognito={vi.fn()} />, { locale: "fr-CH" });
    expect(screen.queryByRole("note")).toBeNull();
    expect(screen.getByRole("button", { name: "Se connecter avec le compte de l'autorité" })).toBeTruthy();
  });

  it("says why the user is back: an expired session or a failed callback", () => {
    renderWith(<SignInScreen config={AWS} onCognito={vi.fn()} expired error="state mismatch" />);
    expect(screen.getByRole("status").textContent).toContain("Sitzung ist abgelaufen");
    expect(screen.getByText(/Die Anmeldung ist fehlgeschlagen: state mismatch/)).toBeTruthy();
  });
});
