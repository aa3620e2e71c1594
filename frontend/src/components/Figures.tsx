import type { ReactNode } from 'react';
import { figureStyles } from '../summary/summary';

/** Figures is a two-column list of labelled values that fits the narrow
 * right-hand column of the issue view, styled like the invoice summary's
 * figures (summary/summary.ts). */
export function Figures({ rows, testId }: { rows: [label: string, value: ReactNode, emphasis?: 'danger' | 'strong'][]; testId?: string }) {
  return (
    <dl data-testid={testId} style={figureStyles.list}>
      {rows.map(([label, value, emphasis]) => (
        <div key={label} style={{ display: 'contents' }}>
          <dt style={figureStyles.label}>{label}</dt>
          <dd data-figure={label} style={figureStyles.value(emphasis)}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
