// Labelled form controls. An error (a 422 item's message, see ApiError.fieldErrors) is shown under
// the control, linked with aria-describedby, and marks it aria-invalid.
import { useId, type ChangeEvent, type ReactNode } from "react";

interface Common {
  /* A fixed element id, for controls something else links to (the studio's publish errors);
   * otherwise one is made up. */
  id?: string | undefined;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
  disabled?: boolean;
  name?: string;
}

function Described({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </>
  );
}

function describedBy(id: string, hint?: ReactNode, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function TextField({
  id: fixedId,
  label,
  error,
  hint,
  required,
  disabled,
  name,
  value,
  onChange,
  type = "text",
  autoComplete,
  maxLength,
  minLength,
  placeholder,
}: Common & {
  value: string;
  onChange(value: string): void;
  type?: "text" | "email" | "password" | "search" | "date" | "datetime-local" | "number";
  autoComplete?: string;
  maxLength?: number;
  minLength?: number;
  placeholder?: string;
}) {
  const ownId = useId();
  const id = fixedId ?? ownId;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        value={value}
        required={required}
        disabled={disabled}
        autoComplete={autoComplete}
        maxLength={maxLength}
        minLength={minLength}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextArea({
  id: fixedId,
  label,
  error,
  hint,
  required,
  disabled,
  name,
  value,
  onChange,
  rows = 4,
  maxLength,
}: Common & { value: string; onChange(value: string): void; rows?: number; maxLength?: number }) {
  const ownId = useId();
  const id = fixedId ?? ownId;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        value={value}
        required={required}
        disabled={disabled}
        maxLength={maxLength}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(e.target.value)}
      />
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function SelectField<T extends string>({
  id: fixedId,
  label,
  error,
  hint,
  required,
  disabled,
  name,
  value,
  onChange,
  options,
}: Common & { value: T; onChange(value: T): void; options: { value: T; label: string }[] }) {
  const ownId = useId();
  const id = fixedId ?? ownId;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <select
        id={id}
        name={name}
        value={value}
        required={required}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}

export function CheckboxField({
  id: fixedId,
  label,
  error,
  hint,
  disabled,
  name,
  checked,
  onChange,
}: Common & { checked: boolean; onChange(checked: boolean): void }) {
  const ownId = useId();
  const id = fixedId ?? ownId;
  return (
    <div className={`field field-check${error ? " has-error" : ""}`}>
      <input
        id={id}
        name={name}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      <Described id={id} hint={hint} error={error} />
    </div>
  );
}
