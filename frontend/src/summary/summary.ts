// The invoice panel's frame and summary (number, customer and period, the
// figures) as plain DOM. The page paints them from the answer the server
// put in the page before React and Atlaskit have loaded (first-paint.ts),
// and the panel then keeps those very nodes (components/PanelFrame.tsx),
// so what people see first is what stays. What React renders (the
// status lozenge, a notice, the rest of the panel) goes into the slots
// left for it.

import { token } from '@atlaskit/tokens';
import type { CSSProperties } from 'react';
import type { Invoice } from '../api/types';
import { formatDate, overdueLabel } from '../format/dates';
import { formatMoney } from '../format/money';

/** FigureRow is one labelled value of a figures list. */
export type FigureRow = [label: string, value: string, emphasis?: 'danger' | 'strong'];

/** Style is a style object for React's style prop and the DOM's alike. */
type Style = CSSProperties;

/** figureStyles are the figures list's styles, shared by the DOM builder
 * and the React component (components/Figures.tsx). */
export const figureStyles = {
  list: { display: 'grid', padding: '0', gridTemplateColumns: 'max-content 1fr', columnGap: token('space.200'), rowGap: token('space.075'), margin: '0' } satisfies Style,
  label: { font: token('font.body.small'), color: token('color.text.subtle'), alignSelf: 'center' } satisfies Style,
  value(emphasis?: 'danger' | 'strong'): Style {
    const s: Style = { margin: '0', textAlign: 'end', font: token('font.body'), color: emphasis === 'danger' ? token('color.text.danger') : token('color.text'), fontVariantNumeric: 'tabular-nums' };
    if (emphasis) s.fontWeight = token('font.weight.semibold');
    return s;
  },
};

const OPEN = new Set(['open', 'partially_paid']);

/** isOpen is whether an invoice still has money to collect. */
export function isOpen(inv: Pick<Invoice, 'status'>): boolean {
  return OPEN.has(inv.status);
}

/** isZero is whether a decimal string is zero (or absent). */
function isZero(v: string | undefined): boolean {
  return !v || /^-?0(\.0+)?$/.test(v);
}

/** invoiceFigureRows are the invoice panel's figures: total, paid, late
 * fees, the fees waived and the amount credited by credit notes when
 * there are any, balance and due date. */
export function invoiceFigureRows(inv: Invoice): FigureRow[] {
  const m = (v: string) => formatMoney(v, inv.currency);
  const open = isOpen(inv);
  const due = inv.dueDate ? formatDate(inv.dueDate) : '—';
  const late = inv.overdue && open ? overdueLabel(inv.daysOverdue) : '';
  const rows: FigureRow[] = [
    ['Total', m(inv.total)],
    ['Paid', m(inv.paid)],
  ];
  if (!isZero(inv.lateFees)) rows.push(['Late fees', m(inv.lateFees)]);
  if (!isZero(inv.lateFeesWaived)) rows.push(['Fees waived', m(inv.lateFeesWaived!)]);
  if (!isZero(inv.credited)) rows.push(['Credited', m(inv.credited!)]);
  rows.push(['Balance', m(inv.balance), inv.overdue && open ? 'danger' : 'strong']);
  rows.push(['Due', late ? `${due} · ${late}` : due, late ? 'danger' : undefined]);
  return rows;
}

/** subtitle is the line under the invoice number: customer and period. */
export function subtitle(inv: Invoice): string {
  const period = inv.periodStart && inv.periodEnd ? ` · ${formatDate(inv.periodStart)} – ${formatDate(inv.periodEnd)}` : '';
  return inv.customerName + period;
}

/** firstPaintId is the landmark the page's first paint draws the panel
 * into, above React's root; the panel keeps it (components/PanelFrame.tsx). */
export const firstPaintId = 'remit-first';

/** timingId marks the figures for the Element Timing API, so the
 * load-time budget can tell when they are painted. */
const timingId = 'invoice-figures';

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, style: Style, text?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  Object.assign(e.style, style);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Slot names the places of buildPanel's frame that React fills. */
export type Slot = 'notice' | 'status' | 'rest';

/** buildPanel builds the invoice panel's frame: a column holding a slot
 * for a notice, the summary of inv, and a slot for the rest of the panel.
 * The slots lay their children out as the column's own. */
export function buildPanel(doc: Document, inv: Invoice): HTMLDivElement {
  const panel = el(doc, 'div', { display: 'flex', flexDirection: 'column', gap: token('space.200') });
  panel.dataset.testid = 'invoice-panel';
  const slot = (name: Slot) => {
    const s = el(doc, 'div', { display: 'contents' });
    s.dataset.slot = name;
    return s;
  };
  panel.append(slot('notice'), buildSummary(doc, inv), slot('rest'));
  return panel;
}

/** buildSummary builds the summary of inv: a column holding the heading
 * (number, an empty slot for the status lozenge, customer and period) and
 * the figures list. */
export function buildSummary(doc: Document, inv: Invoice): HTMLDivElement {
  const root = el(doc, 'div', { display: 'flex', flexDirection: 'column', gap: token('space.200') });
  root.dataset.testid = 'invoice-summary';

  const head = el(doc, 'div', { display: 'flex', flexDirection: 'column', gap: token('space.075') });
  const row = el(doc, 'div', { display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: token('space.100'), flexWrap: 'wrap' });
  const number = el(doc, 'span', { font: token('font.heading.small') }, inv.number);
  number.dataset.testid = 'invoice-number';
  const slot = el(doc, 'span', {});
  slot.dataset.slot = 'status';
  row.append(number, slot);
  head.append(row, el(doc, 'span', { font: token('font.body.small'), color: token('color.text.subtle') }, subtitle(inv)));

  const list = el(doc, 'dl', figureStyles.list);
  list.dataset.testid = timingId;
  for (const [label, value, emphasis] of invoiceFigureRows(inv)) {
    const dd = el(doc, 'dd', figureStyles.value(emphasis), value);
    dd.dataset.figure = label;
    dd.setAttribute('elementtiming', timingId);
    list.append(el(doc, 'dt', figureStyles.label, label), dd);
  }
  root.append(head, list);
  return root;
}
