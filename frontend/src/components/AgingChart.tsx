import DynamicTable from '@atlaskit/dynamic-table';
import { Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import type { AgingReport, AgingRow } from '../api/types';
import { formatDate } from '../format/dates';
import { formatMoney } from '../format/money';

/** The buckets of SPEC §7 with the field names the report may use. */
export const BUCKETS: { label: string; keys: string[]; color: string }[] = [
  { label: 'Current', keys: ['current'], color: token('color.chart.success.bold') },
  { label: '1–30', keys: ['days1To30', 'd1_30', 'days1_30', '1-30'], color: token('color.chart.yellow.bold') },
  { label: '31–60', keys: ['days31To60', 'd31_60', 'days31_60', '31-60'], color: token('color.chart.orange.bold') },
  { label: '61–90', keys: ['days61To90', 'd61_90', 'days61_90', '61-90'], color: token('color.chart.red.bold') },
  { label: '90+', keys: ['over90', 'd90plus', 'days90Plus', '90+'], color: token('color.chart.magenta.bolder') },
];

/** bucket reads one bucket of a row, flat or under "buckets". */
export function bucket(row: AgingRow, keys: string[]): string {
  const src = (row.buckets && typeof row.buckets === 'object' ? row.buckets : row) as Record<string, unknown>;
  for (const k of keys) {
    const v = src[k];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return '0';
}

function totalsOf(r: AgingReport): AgingRow[] {
  const t = (r as { currencies?: AgingRow[] }).currencies ?? r.totals;
  return Array.isArray(t) ? t : t ? [t] : [];
}

/** AgingChart shows receivables by age: a stacked bar per currency and a
 * table per customer. */
export function AgingChart({ report }: { report: AgingReport }) {
  const totals = totalsOf(report);
  const customers = report.customers ?? report.rows ?? [];
  return (
    <Stack space="space.200" testId="aging">
      <p style={{ font: token('font.body.small'), color: token('color.text.subtle'), margin: 0 }}>As of {formatDate(report.asOf)}</p>
      {totals.map((t) => {
        const values = BUCKETS.map((b) => Number(bucket(t, b.keys)));
        const sum = values.reduce((a, b) => a + b, 0) || 1;
        const dso = (t as { dso?: unknown }).dso ?? report.dso;
        return (
          <figure key={t.currency} style={{ margin: 0 }}>
            <figcaption style={{ font: token('font.body'), fontWeight: token('font.weight.semibold'), marginBlockEnd: token('space.075') }}>
              {t.currency}
              {dso != null ? <span style={{ fontWeight: token('font.weight.regular'), color: token('color.text.subtle') }}> · DSO {String(dso)} days</span> : null}
            </figcaption>
            <svg role="img" aria-label={`Receivables in ${t.currency} by age`} width="100%" height="24" viewBox="0 0 100 6" preserveAspectRatio="none">
              {(() => {
                let x = 0;
                return values.map((v, i) => {
                  const w = (v / sum) * 100;
                  const rect = <rect key={i} x={x} y={0} width={w} height={6} fill={BUCKETS[i]!.color} />;
                  x += w;
                  return rect;
                });
              })()}
            </svg>
            <ul style={{ display: 'flex', flexWrap: 'wrap', gap: token('space.200'), listStyle: 'none', padding: 0, margin: `${token('space.075')} 0 0` }}>
              {BUCKETS.map((b, i) => (
                <li key={b.label} style={{ font: token('font.body.small'), display: 'flex', alignItems: 'center', gap: token('space.050') }}>
                  <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: b.color, display: 'inline-block' }} />
                  {b.label}: {formatMoney(String(values[i] ?? 0), t.currency)}
                </li>
              ))}
            </ul>
          </figure>
        );
      })}
      <DynamicTable
        label="Aging by customer"
        head={{ cells: [{ key: 'c', content: 'Customer' }, ...BUCKETS.map((b) => ({ key: b.label, content: b.label }))] }}
        rows={customers.map((c, i) => ({
          key: `${c.customerId ?? i}-${c.currency}`,
          cells: [
            { key: 'c', content: `${c.customerName ?? c.customer ?? ''} (${c.currency})` },
            ...BUCKETS.map((b) => ({ key: b.label, content: formatMoney(bucket(c, b.keys), c.currency) })),
          ],
        }))}
        emptyView={<p>Nothing is owed.</p>}
      />
    </Stack>
  );
}
