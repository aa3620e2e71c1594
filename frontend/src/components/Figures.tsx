import { token } from '@atlaskit/tokens';
import type { ReactNode } from 'react';

/** Figures is a two-column list of labelled values that fits the narrow
 * right-hand column of the issue view. It is marked for the Element Timing
 * API, so the load-time budget can measure when the figures are painted. */
export function Figures({ rows, testId }: { rows: [label: string, value: ReactNode, emphasis?: 'danger' | 'strong'][]; testId?: string }) {
  return (
    <dl data-testid={testId} style={{ display: 'grid', padding: 0, gridTemplateColumns: 'max-content 1fr', columnGap: token('space.200'), rowGap: token('space.075'), margin: 0 }}>
      {rows.map(([label, value, emphasis]) => (
        <div key={label} style={{ display: 'contents' }}>
          <dt style={{ font: token('font.body.small'), color: token('color.text.subtle'), alignSelf: 'center' }}>{label}</dt>
          <dd
            data-figure={label}
            {...{ elementtiming: testId ?? 'figures' }}
            style={{
              margin: 0,
              textAlign: 'end',
              font: token('font.body'),
              fontWeight: emphasis ? token('font.weight.semibold') : undefined,
              color: emphasis === 'danger' ? token('color.text.danger') : token('color.text'),
              fontVariantNumeric: 'tabular-nums',
            }}
          >
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
