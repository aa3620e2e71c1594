// Money as the API sends it: decimal strings in a currency's minor unit.

/** Minor-unit exponents that differ from 2 (ISO 4217). */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** exponent is the number of decimals a currency's amounts carry. */
export function exponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** formatMoney shows an amount with the currency's symbol, grouping and
 * exactly its minor-unit decimals, without going through floating point. */
export function formatMoney(amount: string, currency: string, locale = 'en-US'): string {
  const e = exponent(currency);
  const fmt = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: e,
    maximumFractionDigits: e,
  });
  // Intl formats a decimal string exactly (no float rounding).
  return fmt.format(normalise(amount, e) as unknown as number);
}

/** normalise pads or checks a decimal string to e decimals. */
function normalise(amount: string, e: number): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!m) return '0';
  const [, sign = '', int = '0', frac = ''] = m;
  return e === 0 ? `${sign}${int}${frac ? '.' + frac : ''}` : `${sign}${int}.${frac.padEnd(e, '0')}`;
}

/** ParsedAmount is the result of reading a person's amount input. */
export type ParsedAmount = { ok: true; value: string } | { ok: false; message: string };

/** parseAmount reads what a person typed ("1,234.5") into the API's form
 * ("1234.50"), refusing more decimals than the currency has. */
export function parseAmount(input: string, currency: string): ParsedAmount {
  const e = exponent(currency);
  const s = input.trim().replace(/[,\s]/g, '');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return { ok: false, message: 'Enter an amount such as ' + (e === 0 ? '1200' : '1200.' + '0'.repeat(e)) };
  const [, int = '0', frac = ''] = m;
  if (frac.length > e) {
    return { ok: false, message: e === 0 ? `${currency} has no decimals` : `${currency} has at most ${e} decimals` };
  }
  const value = e === 0 ? String(BigInt(int)) : `${BigInt(int)}.${frac.padEnd(e, '0')}`;
  if (/^0(\.0*)?$/.test(value)) return { ok: false, message: 'Enter an amount greater than zero' };
  return { ok: true, value };
}

/** minorUnits reads a decimal amount string as a whole number of the
 * currency's minor units (cents), exactly. */
export function minorUnits(amount: string | undefined, currency: string): bigint {
  const e = exponent(currency);
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec((amount ?? '').trim());
  if (!m) return 0n;
  const [, sign = '', int = '0', frac = ''] = m;
  const n = BigInt(int + frac.padEnd(e, '0').slice(0, e));
  return sign ? -n : n;
}

/** fromMinorUnits is minorUnits' inverse: "12.50" for 1250n cents. */
export function fromMinorUnits(n: bigint, currency: string): string {
  const e = exponent(currency);
  const sign = n < 0n ? '-' : '';
  const s = (n < 0n ? -n : n).toString().padStart(e + 1, '0');
  return e === 0 ? sign + s : `${sign}${s.slice(0, -e)}.${s.slice(-e)}`;
}

/** feesOutstanding is what of an invoice's late fees may still be waived:
 * those charged and not waived, and no more than the balance (as the
 * API's invoice.LateFeesOutstanding). */
export function feesOutstanding(inv: { lateFees: string; lateFeesWaived?: string; balance: string; currency: string }): string {
  const c = inv.currency;
  let n = minorUnits(inv.lateFees, c) - minorUnits(inv.lateFeesWaived, c);
  const bal = minorUnits(inv.balance, c);
  if (bal < n) n = bal;
  return fromMinorUnits(n < 0n ? 0n : n, c);
}
