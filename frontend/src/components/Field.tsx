import type { ReactNode } from 'react';
import { token } from '@atlaskit/tokens';

/** Field is a labelled form control with its help or error text, wired
 * with htmlFor and aria-describedby so screen readers announce both. */
export function Field({ id, label, error, help, children }: { id: string; label: string; error?: string; help?: string; children: ReactNode }) {
  return (
    <div style={{ marginBlockEnd: token('space.150') }}>
      <label
        htmlFor={id}
        style={{ display: 'block', font: token('font.body.small'), fontWeight: token('font.weight.semibold'), color: token('color.text.subtle'), marginBlockEnd: token('space.050') }}
      >
        {label}
      </label>
      {children}
      {error ? (
        <div id={`${id}-error`} role="alert" style={{ font: token('font.body.small'), color: token('color.text.danger'), marginBlockStart: token('space.050') }}>
          {error}
        </div>
      ) : help ? (
        <div id={`${id}-help`} style={{ font: token('font.body.small'), color: token('color.text.subtlest'), marginBlockStart: token('space.050') }}>
          {help}
        </div>
      ) : null}
    </div>
  );
}

/** describedBy is the aria-describedby value a Field's control needs. */
export function describedBy(id: string, error?: string, help?: string): string | undefined {
  return error ? `${id}-error` : help ? `${id}-help` : undefined;
}
