// A button that stays focusable while its action runs. A disabled button loses the keyboard
// focus (it goes to <body>, and a screen reader user must start again from the top), so a busy
// button is aria-disabled instead: announced as unavailable, its clicks ignored, and, for a
// submit button, the form not submitted again.
import type { ButtonHTMLAttributes } from "react";

export function BusyButton({
  busy,
  onClick,
  type = "button",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; type?: "button" | "submit" }) {
  return (
    <button
      {...rest}
      type={type}
      aria-disabled={busy || rest["aria-disabled"] || undefined}
      onClick={(e) => {
        if (busy) {
          e.preventDefault();
          return;
        }
        onClick?.(e);
      }}
    />
  );
}
