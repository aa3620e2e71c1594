import { describe, expect, it } from 'vitest';
import type { AuditEntry, Invoice } from '../api/types';
import { corrections, fieldLabel, paymentLabel, waiversOf } from './correctionList';

const invoice = (over: Partial<Invoice>): Invoice => ({
  id: 7, number: 'INV-2026-0007', customerId: 1, customerName: 'Acme', status: 'open', overdue: false, daysOverdue: 0,
  disputed: false, needsReview: false, currency: 'USD', subtotal: '1000.00', tax: '0.00', taxRatePercent: '0',
  total: '1000.00', paid: '0.00', lateFees: '40.00', balance: '1000.00', issueDate: '2026-11-02', dueDate: '2026-12-02',
  periodStart: '2026-10-01', periodEnd: '2026-10-31', issueKey: 'BILL-7', payments: [], plan: null, ...over,
});

const waiver = (at: string, waived: string, note: string): AuditEntry => ({
  id: 1, at, actor: 'acc', action: 'late_fees_waived', before: { balance: '1040.00' }, after: { balance: '1025.00', waived, note },
});

describe('corrections', () => {
  it('lists credit notes, reversed payments and waivers oldest first, with their reasons', () => {
    const inv = invoice({
      creditNotes: [{ id: 3, number: 'CN-2026-0001', issueDate: '2026-11-20', amount: '50.00', tax: '0.00', total: '50.00', currency: 'USD', reason: 'Hours billed twice', pdf: '/api/v1/invoices/7/credit-notes/3/pdf' }],
      payments: [
        { id: 1, amount: '100.00', paidOn: '2026-11-10', method: 'bank', reversed: true, reversedAt: '2026-11-21T09:30:00Z', reversalReason: 'Bounced' },
        { id: 2, amount: '20.00', paidOn: '2026-11-11', method: 'bank' },
      ],
    });
    const audit = [waiver('2026-11-19T08:00:00.123456Z', '15.00', 'First time late'), { ...waiver('2026-11-19T07:00:00Z', '1', 'x'), action: 'payment' }];
    const got = corrections(inv, audit, 'UTC');
    expect(got.map((c) => [c.kind, c.title, c.detail])).toEqual([
      ['waiver', 'Late fees of $15.00 waived', 'First time late'],
      ['credit-note', 'Credit note CN-2026-0001: $50.00', 'Hours billed twice'],
      ['reversal', 'Payment of $100.00 reversed', 'Bounced'],
    ]);
    expect(got[1]?.creditNote?.id).toBe(3);
    expect(got[2]?.when).toBe('21 Nov 2026, 09:30');
  });

  it('has nothing to list for an invoice never corrected', () => {
    expect(corrections(invoice({}), undefined, 'UTC')).toEqual([]);
    expect(waiversOf(undefined)).toEqual([]);
  });

  it('names payments and the fields a refusal points at as people know them', () => {
    expect(paymentLabel({ amount: '1200.5', paidOn: '2026-11-05', method: 'bank' }, 'USD')).toBe('$1,200.50 received 5 Nov 2026');
    expect(fieldLabel('settings.seller.postalAddress')).toBe("Your company's postal address (Remit settings)");
    expect(fieldLabel('settings.payment.iban')).toBe('How customers pay you: IBAN, account number or instructions (Remit settings)');
    expect(fieldLabel('lines[0].unitPrice')).toBe('lines[0].unitPrice');
  });
});
