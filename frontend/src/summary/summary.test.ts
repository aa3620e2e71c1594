import { describe, expect, it } from 'vitest';
import type { Invoice } from '../api/types';
import { figureStyles, invoiceFigureRows, isOpen, subtitle } from './summary';

const invoice = (over: Partial<Invoice>): Invoice => ({
  id: 1, number: 'INV-2026-0001', customerId: 1, customerName: 'Acme', status: 'open', overdue: false, daysOverdue: 0,
  disputed: false, needsReview: false, currency: 'USD', subtotal: '1995.00', tax: '177.06', taxRatePercent: '8.875',
  total: '2172.06', paid: '0.00', lateFees: '0.00', balance: '2172.06', issueDate: '2026-10-08', dueDate: '2026-11-07',
  periodStart: '2026-09-08', periodEnd: '2026-10-07', issueKey: 'BILL-1', payments: [], plan: null, ...over,
});

describe('invoice summary', () => {
  it('shows an open invoice before its due date', () => {
    expect(invoiceFigureRows(invoice({}))).toEqual([
      ['Total', '$2,172.06'],
      ['Paid', '$0.00'],
      ['Balance', '$2,172.06', 'strong'],
      ['Due', '7 Nov 2026', undefined],
    ]);
  });

  it('marks the balance and due date of an overdue invoice, with its late fees', () => {
    const rows = invoiceFigureRows(invoice({ overdue: true, daysOverdue: 15, lateFees: '40.00', paid: '500.00', balance: '1712.06', status: 'partially_paid' }));
    expect(rows).toEqual([
      ['Total', '$2,172.06'],
      ['Paid', '$500.00'],
      ['Late fees', '$40.00'],
      ['Balance', '$1,712.06', 'danger'],
      ['Due', '7 Nov 2026 · 15 days overdue', 'danger'],
    ]);
  });

  it('shows the fees waived and the amount credited by credit notes', () => {
    const rows = invoiceFigureRows(invoice({ lateFees: '40.00', lateFeesWaived: '15.00', credited: '200.00', balance: '1997.06' }));
    expect(rows).toEqual([
      ['Total', '$2,172.06'],
      ['Paid', '$0.00'],
      ['Late fees', '$40.00'],
      ['Fees waived', '$15.00'],
      ['Credited', '$200.00'],
      ['Balance', '$1,997.06', 'strong'],
      ['Due', '7 Nov 2026', undefined],
    ]);
    expect(invoiceFigureRows(invoice({ lateFeesWaived: '0.00', credited: '0.00' })).map((r) => r[0])).toEqual(['Total', 'Paid', 'Balance', 'Due']);
  });

  it('does not call a paid invoice overdue', () => {
    const inv = invoice({ status: 'paid', overdue: true, daysOverdue: 3, paid: '2172.06', balance: '0.00' });
    expect(isOpen(inv)).toBe(false);
    expect(invoiceFigureRows(inv).slice(-2)).toEqual([
      ['Balance', '$0.00', 'strong'],
      ['Due', '7 Nov 2026', undefined],
    ]);
  });

  it('uses the currency\'s minor units', () => {
    expect(invoiceFigureRows(invoice({ currency: 'JPY', total: '217206', paid: '0', balance: '217206' }))[0]).toEqual(['Total', '¥217,206']);
  });

  it('says whose invoice and which period', () => {
    expect(subtitle(invoice({}))).toBe('Acme · 8 Sep 2026 – 7 Oct 2026');
    expect(subtitle(invoice({ periodStart: null }))).toBe('Acme');
  });

  it('styles with design tokens only, compiled to their variables', () => {
    expect(figureStyles.value('danger')).toMatchObject({ color: 'var(--ds-text-danger)', fontWeight: 'var(--ds-font-weight-semibold)' });
    expect(figureStyles.value()).not.toHaveProperty('fontWeight');
  });
});
