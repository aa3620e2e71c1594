// Dates and instants as people read them in the tenant's timezone.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** formatDate shows a calendar date ("2026-11-05") as "5 Nov 2026". It
 * is a date, not an instant, so no timezone shifts it. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const [, y, mo, d] = m;
  return `${Number(d)} ${MONTHS[Number(mo) - 1] ?? mo} ${y}`;
}

/** formatInstant shows an RFC 3339 instant in the tenant's timezone, so
 * "sent on the 5th" means the 5th where the invoices are counted. */
export function formatInstant(instant: string | null | undefined, timeZone: string, locale = 'en-GB'): string {
  if (!instant) return '—';
  const t = new Date(instant);
  if (Number.isNaN(t.getTime())) return instant;
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(t);
}

/** dateInZone is the calendar date (YYYY-MM-DD) of an instant in a zone. */
export function dateInZone(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** daysLabel says how far a due date is: "3 days overdue", "due today". */
export function overdueLabel(daysOverdue: number): string {
  if (daysOverdue > 1) return `${daysOverdue} days overdue`;
  if (daysOverdue === 1) return '1 day overdue';
  return '';
}

/** formatHours shows a decimal hours string ("12.50") as "12.5 h". */
export function formatHours(hours: string): string {
  const n = /^-?\d+(\.\d+)?$/.test(hours) ? hours.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : hours;
  return `${n} h`;
}
