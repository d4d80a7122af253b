// The signed-in person's profile: display name and time zone (PATCH /users/me).
import { useState, type FormEvent } from "react";
import { api, ApiError, call } from "../api/client";
import { SelectField, TextField } from "../components/fields";
import { Page } from "../components/Page";
import { ErrorNotice, SuccessNotice } from "../components/Status";
import { useAuth, useUser } from "./AuthContext";
import { BusyButton } from "../components/BusyButton";

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  return Array.from(new Set(["UTC", current, ...zones]));
}

export function AccountPage() {
  const user = useUser();
  const { setUser } = useAuth();
  const [displayName, setDisplayName] = useState(user.display_name);
  const [timezone, setTimezone] = useState(user.timezone);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const u = await call(api.PATCH("/api/v1/users/me", { body: { display_name: displayName, timezone } }));
      setUser(u);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  return (
    <Page title="Your account">
      <p>
        Signed in as <strong>{user.email}</strong> ({user.role}).
      </p>
      <ErrorNotice error={error} />
      {saved ? <SuccessNotice>Saved.</SuccessNotice> : null}
      <form onSubmit={submit} className="form-narrow" noValidate>
        <TextField label="Display name" value={displayName} onChange={setDisplayName} required maxLength={100}
          error={fields.display_name} />
        <SelectField label="Time zone" value={timezone} onChange={setTimezone}
          options={timeZones(user.timezone).map((z) => ({ value: z, label: z }))}
          hint="Check-in days and streaks follow this time zone." error={fields.timezone} />
        <BusyButton className="btn btn-primary" type="submit" busy={busy}>
          Save
        </BusyButton>
      </form>
    </Page>
  );
}
