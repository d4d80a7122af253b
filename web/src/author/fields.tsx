// Studio form controls with a fixed element id (so that a publish error summary can link to them)
// and a list of error messages shown under the control (aria-describedby, aria-invalid).
import type { ReactNode } from "react";

function Errors({ id, errors }: { id: string; errors: string[] }) {
  if (!errors.length) return null;
  return (
    <div className="field-error" id={`${id}-error`}>
      {errors.join(" ")}
    </div>
  );
}

function describedBy(id: string, hint: ReactNode, errors: string[]): string | undefined {
  const ids = [hint ? `${id}-hint` : "", errors.length ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function errs(...lists: (string | string[] | undefined | null)[]): string[] {
  const out: string[] = [];
  for (const l of lists) {
    if (!l) continue;
    if (Array.isArray(l)) out.push(...l);
    else out.push(l);
  }
  return [...new Set(out)];
}

export function IdSelect({
  id,
  label,
  value,
  onChange,
  options,
  errors = [],
  hint,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  options: { value: string; label: string }[];
  errors?: string[];
  hint?: ReactNode;
  disabled?: boolean;
}) {
  return (
    <div className={`field${errors.length ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        onChange={(e) => onChange(e.target.value)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <Errors id={id} errors={errors} />
    </div>
  );
}

export function IdInput({
  id,
  label,
  value,
  onChange,
  errors = [],
  hint,
  type = "text",
  maxLength,
  required,
  multiline,
  rows = 3,
}: {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  errors?: string[];
  hint?: ReactNode;
  type?: "text" | "number";
  maxLength?: number;
  required?: boolean;
  multiline?: boolean;
  rows?: number;
}) {
  const common = {
    id,
    value,
    maxLength,
    "aria-invalid": errors.length ? true : undefined,
    "aria-describedby": describedBy(id, hint, errors),
  } as const;
  return (
    <div className={`field${errors.length ? " has-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {multiline ? (
        <textarea {...common} rows={rows} required={required} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} required={required} onChange={(e) => onChange(e.target.value)} />
      )}
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <Errors id={id} errors={errors} />
    </div>
  );
}
