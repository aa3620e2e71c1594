// What the invoice panel lists of an invoice's corrections, and how it
// names the fields a refusal points at: plain functions of the API's
// answers, kept apart from the components so they are tested on their own.

import type { AuditEntry, CreditNote, Invoice, Payment } from '../api/types';
import { formatDate, formatInstant } from '../format/dates';
import { formatMoney } from '../format/money';

/** paymentLabel names a payment as a person reads it: amount and date. */
export function paymentLabel(p: Payment, currency: string): string {
  return `${formatMoney(p.amount, currency)} received ${formatDate(p.paidOn)}`;
}

/** Correction is one entry of an invoice's corrections, for the list. */
export interface Correction {
  at: string; // a date or an instant, to order the entries
  kind: 'credit-note' | 'reversal' | 'waiver';
  title: string;
  detail: string;
  when: string;
  creditNote?: CreditNote;
}

/** waiversOf reads the late-fee waivers from an invoice's audit entries. */
export function waiversOf(entries: AuditEntry[] | undefined): { at: string; amount: string; reason: string }[] {
  return (entries ?? [])
    .filter((e) => e.action === 'late_fees_waived')
    .map((e) => ({ at: e.at, amount: String(e.after?.waived ?? ''), reason: String(e.after?.note ?? '') }));
}

/** corrections gathers an invoice's credit notes, reversed payments and
 * late-fee waivers, oldest first. */
export function corrections(inv: Invoice, audit: AuditEntry[] | undefined, timezone: string): Correction[] {
  const m = (v: string) => formatMoney(v, inv.currency);
  const out: Correction[] = [];
  for (const cn of inv.creditNotes ?? []) {
    out.push({ at: cn.issueDate, kind: 'credit-note', title: `Credit note ${cn.number}: ${m(cn.total)}`, detail: cn.reason, when: formatDate(cn.issueDate), creditNote: cn });
  }
  for (const p of inv.payments ?? []) {
    if (p.reversed) {
      out.push({ at: p.reversedAt ?? p.paidOn, kind: 'reversal', title: `Payment of ${m(p.amount)} reversed`, detail: p.reversalReason ?? '', when: formatInstant(p.reversedAt, timezone) });
    }
  }
  for (const w of waiversOf(audit)) {
    out.push({ at: w.at, kind: 'waiver', title: `Late fees of ${m(w.amount)} waived`, detail: w.reason, when: formatInstant(w.at, timezone) });
  }
  // Dates sort as the start of their day (UTC), instants as they are.
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** FIELD_LABELS name, as a person looks for them, the details finalizing
 * refuses to issue an invoice without (SPEC §4: what a legal invoice
 * states) and where they are set. */
const FIELD_LABELS: Record<string, string> = {
  'settings.seller.name': "Your company's name (Remit settings)",
  'settings.seller.postalAddress': "Your company's postal address (Remit settings)",
  'settings.seller.taxId': "Your company's VAT or tax id (Remit settings)",
  'settings.payment': 'How customers pay you: IBAN, account number or instructions (Remit settings)',
  'customer.name': "The customer's name (customer settings)",
  'customer.address': "The customer's postal address (customer settings)",
  'customer.taxId': "The customer's VAT id (customer settings)",
  issueDate: 'The issue date',
  dueDate: 'The due date',
};

/** fieldLabel names a field of a refusal for people. */
export function fieldLabel(name: string): string {
  return FIELD_LABELS[name] ?? FIELD_LABELS[name.replace(/\.[^.]+$/, '')] ?? name;
}
