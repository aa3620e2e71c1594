import { describe, expect, it } from 'vitest';
import { exponent, feesOutstanding, formatMoney, fromMinorUnits, minorUnits, parseAmount } from './money';
import { dateInZone, formatDate, formatHours, formatInstant, overdueLabel } from './dates';

describe('money', () => {
  const cases: [amount: string, currency: string, want: string][] = [
    ['1234.5', 'USD', '$1,234.50'],
    ['1234.50', 'USD', '$1,234.50'],
    ['0', 'EUR', '€0.00'],
    ['-12.30', 'USD', '-$12.30'],
    ['1234', 'JPY', '¥1,234'],
    ['1234.567', 'KWD', 'KWD 1,234.567'],
    ['1.2', 'KWD', 'KWD 1.200'],
    ['98765432109876543.21', 'USD', '$98,765,432,109,876,543.21'],
  ];
  for (const [amount, currency, want] of cases) {
    it(`formats ${amount} ${currency}`, () => {
      expect(formatMoney(amount, currency).replace(/\u00a0/g, ' ')).toBe(want);
    });
  }

  it('knows minor units', () => {
    expect([exponent('JPY'), exponent('usd'), exponent('KWD'), exponent('XYZ')]).toEqual([0, 2, 3, 2]);
  });

  const inputs: [input: string, currency: string, want: string | RegExp][] = [
    ['1,200.5', 'USD', '1200.50'],
    [' 100 ', 'USD', '100.00'],
    ['1200', 'JPY', '1200'],
    ['1200.5', 'JPY', /no decimals/],
    ['1.2345', 'KWD', /at most 3 decimals/],
    ['1.234', 'KWD', '1.234'],
    ['12.345', 'USD', /at most 2 decimals/],
    ['0.00', 'USD', /greater than zero/],
    ['-5', 'USD', /Enter an amount/],
    ['1e3', 'USD', /Enter an amount/],
  ];
  for (const [input, currency, want] of inputs) {
    it(`parses ${JSON.stringify(input)} in ${currency}`, () => {
      const r = parseAmount(input, currency);
      if (typeof want === 'string') expect(r).toEqual({ ok: true, value: want });
      else expect(r.ok ? r.value : r.message).toMatch(want);
    });
  }
});

describe('late fees outstanding', () => {
  it('counts in minor units, never below zero nor above the balance', () => {
    expect(minorUnits('12.5', 'USD')).toBe(1250n);
    expect(fromMinorUnits(1250n, 'USD')).toBe('12.50');
    expect(fromMinorUnits(5n, 'KWD')).toBe('0.005');
    expect(fromMinorUnits(1200n, 'JPY')).toBe('1200');
    expect(feesOutstanding({ lateFees: '40.00', lateFeesWaived: '15.00', balance: '100.00', currency: 'USD' })).toBe('25.00');
    expect(feesOutstanding({ lateFees: '40.00', lateFeesWaived: '0.00', balance: '10.00', currency: 'USD' })).toBe('10.00');
    expect(feesOutstanding({ lateFees: '0.00', balance: '10.00', currency: 'USD' })).toBe('0.00');
  });
});

describe('dates', () => {
  it('formats calendar dates without shifting them', () => {
    expect(formatDate('2026-11-05')).toBe('5 Nov 2026');
    expect(formatDate('2026-01-31')).toBe('31 Jan 2026');
    expect(formatDate(null)).toBe('—');
  });

  const instants: [instant: string, zone: string, want: string][] = [
    ['2026-11-05T14:30:00Z', 'UTC', '5 Nov 2026, 14:30'],
    ['2026-11-05T14:30:00Z', 'America/New_York', '5 Nov 2026, 09:30'],
    ['2026-11-06T02:30:00Z', 'America/New_York', '5 Nov 2026, 21:30'],
    ['2026-11-05T23:30:00Z', 'Asia/Tokyo', '6 Nov 2026, 08:30'],
    ['2026-03-29T00:30:00Z', 'Europe/London', '29 Mar 2026, 00:30'],
    ['2026-03-29T01:30:00Z', 'Europe/London', '29 Mar 2026, 02:30'],
  ];
  for (const [instant, zone, want] of instants) {
    it(`shows ${instant} in ${zone}`, () => {
      expect(formatInstant(instant, zone)).toBe(want);
    });
  }

  it('finds the calendar date of an instant in a zone', () => {
    expect(dateInZone(new Date('2026-11-15T04:59:59Z'), 'America/New_York')).toBe('2026-11-14');
    expect(dateInZone(new Date('2026-11-15T05:00:00Z'), 'America/New_York')).toBe('2026-11-15');
  });

  it('labels overdue days and hours', () => {
    expect([overdueLabel(0), overdueLabel(1), overdueLabel(12)]).toEqual(['', '1 day overdue', '12 days overdue']);
    expect([formatHours('12.50'), formatHours('3.00'), formatHours('0.25')]).toEqual(['12.5 h', '3 h', '0.25 h']);
  });
});
