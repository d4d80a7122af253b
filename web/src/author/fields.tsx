// Studio form controls with a fixed element id (so that a publish error summary can link to them)
// and a list of error messages shown under the control: the app's labelled fields
// (components/fields.tsx) given that id and the messages joined.
import type { ReactNode } from "react";
import { SelectField, TextArea, TextField } from "../components/fields";

export function errs(...lists: (string | string[] | undefined | null)[]): string[] {
  const out: string[] = [];
  for (const l of lists) {
    if (!l) continue;
    if (Array.isArray(l)) out.push(...l);
    else out.push(l);
  }
  return [...new Set(out)];
}

/* A select under a fixed id, its errors under it (components/fields.tsx's SelectField). */
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
    <SelectField id={id} label={label} value={value} onChange={onChange} options={options}
      error={joined(errors)} hint={hint} disabled={disabled} />
  );
}

/* A text input or, `multiline`, a text area under a fixed id (components/fields.tsx). */
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
  const common = { id, label, value, onChange, error: joined(errors), hint, maxLength, required };
  return multiline ? <TextArea {...common} rows={rows} /> : <TextField {...common} type={type} />;
}

function joined(errors: string[]): string | undefined {
  return errors.length ? errors.join(" ") : undefined;
}
