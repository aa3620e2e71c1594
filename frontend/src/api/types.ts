// The API's shapes (SPEC §7) as the pages use them.

export type InvoiceStatus = 'draft' | 'open' | 'partially_paid' | 'paid' | 'void' | 'uncollectible';

export interface Line {
  issueKey: string;
  description: string;
  hours: string;
  rate: string;
  amount: string;
}

export interface Payment {
  id?: number;
  amount: string;
  paidOn: string;
  method: string;
  reference?: string;
  /** A payment recorded in error stays listed, marked reversed. */
  reversed?: boolean;
  reversedAt?: string;
  reversedBy?: string;
  reversalReason?: string;
  /** How much of the payment went back to the payer (card refunds and disputes). */
  returned?: string;
}

/** CreditNote is a correction of an issued invoice (SPEC §4). */
export interface CreditNote {
  id: number;
  number: string;
  issueDate: string;
  amount: string;
  tax: string;
  total: string;
  currency: string;
  reason: string;
  /** The API path of its PDF (/api/v1/invoices/{id}/credit-notes/{cn}/pdf). */
  pdf: string;
}

/** AuditEntry is one entry of an invoice's audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface Installment {
  dueDate: string;
  amount: string;
  paid?: string;
  status?: string;
}

export interface Invoice {
  id: number;
  number: string;
  customerId: number;
  customerName: string;
  status: InvoiceStatus;
  overdue: boolean;
  daysOverdue: number;
  disputed: boolean;
  needsReview: boolean;
  currency: string;
  subtotal: string;
  tax: string;
  taxRatePercent: string;
  total: string;
  paid: string;
  lateFees: string;
  lateFeesWaived?: string;
  credited?: string;
  creditNotes?: CreditNote[];
  balance: string;
  issueDate: string | null;
  dueDate: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  issueKey: string | null;
  lines?: Line[];
  payments: Payment[];
  plan: { installments: Installment[] } | Installment[] | null;
  worklogCount?: number;
  alreadyBilledWorklogs?: number;
}

export interface List<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TimelineEvent {
  step: string;
  action: string;
  status: 'done' | 'skipped' | 'failed' | 'cancelled';
  at: string;
  detail?: string;
  installment?: number | null;
}

export interface Timeline {
  events: TimelineEvent[];
  next: { step: string; dueAt: string; installment?: number | null } | null;
}

export interface IssueBilling {
  issueKey: string;
  hoursLogged: string;
  hoursBilled: string;
  hoursUnbilled: string;
  invoices: {
    id: number;
    number: string;
    status: InvoiceStatus;
    disputed: boolean;
    currency: string;
    dueDate: string | null;
    invoiceIssueKey: string | null;
    hours: string;
    amount: string;
  }[];
}

export interface Customer {
  id: number;
  name: string;
  jql: string;
  currency: string;
  hourlyRate: string;
  rateOverrides: { accounts: Record<string, string> | null; projects: Record<string, string> | null };
  taxRatePercent: string;
  paymentTermsDays: number | null;
  billingEmail: string;
  escalationEmails: string[] | null;
  lateFeePolicy: string | null;
  /** the buyer's reference (BT-10): a PO number, or for XRechnung the Leitweg-ID */
  buyerReference?: string;
  /** the buyer's Peppol id, scheme:id such as 0208:0123456789 */
  peppolId?: string;
  /** the e-invoice sent beside the PDF; '' (none) when unset */
  einvoiceFormat?: CustomerEInvoiceFormat;
}

/** CustomerEInvoiceFormat is what a customer receives with its invoices
 * (SPEC §14): none, or one of the structured formats. */
export type CustomerEInvoiceFormat = '' | 'ubl' | 'cii' | 'xrechnung' | 'facturx';

/** SettingsChoices are the values the settings form offers: the billing
 * project's Jira statuses, the known currencies and IANA time zones. */
export interface SettingsChoices {
  statuses: string[];
  currencies: string[];
  timezones: string[];
}

export interface Settings {
  billingProjectKey: string;
  invoiceIssueType: string;
  statuses: { open: string; overdue: string; paid: string; void: string };
  currency: string;
  timezone: string;
  paymentTermsDays: number;
  numberFormat: string;
  seller: { name: string; address: string; taxId: string; email: string };
  billableJql: string;
  roundingMinutes: number;
  followupSchedule: string;
  promiseMaxDays?: number;
  promiseGraceDays?: number | null;
  configured?: boolean;
}

export interface PolicyAction {
  type: string;
  cc?: boolean;
  status?: string;
  label?: string;
}

export interface PolicyStep {
  key: string;
  offsetDays: number;
  actions: PolicyAction[];
  template?: string;
  comment?: string;
  subject?: string;
  text?: string;
  html?: string;
}

export interface Policy {
  steps: PolicyStep[];
  lateFee?: { preset?: string; [k: string]: unknown } | null;
  saved?: boolean;
  [k: string]: unknown;
}

/** PolicyPreview is POST /policy/preview: what a policy would do for a
 * sample invoice, step by step, with the messages its templates render. */
export interface PolicyPreview {
  number: string;
  customer: string;
  currency: string;
  total: string;
  issueDate: string;
  dueDate: string;
  steps: {
    key: string;
    offsetDays: number;
    date: string;
    actions: (PolicyAction & { outcome: 'run' | 'skipped'; reason?: string })[];
    comment?: string;
    email?: { subject: string; text: string };
    lateFee?: string;
  }[];
}

export interface AgingRow {
  customerId?: number;
  customerName?: string;
  customer?: string;
  currency: string;
  current: string;
  d1_30?: string;
  d31_60?: string;
  d61_90?: string;
  d90plus?: string;
  [bucket: string]: unknown;
}

export interface AgingReport {
  asOf: string;
  rows?: AgingRow[];
  customers?: AgingRow[];
  totals?: AgingRow[] | AgingRow;
  dso?: string | number | null;
}

/** PlanRequest is a payment plan a customer asked for on the customer page. */
export interface PlanRequest {
  id: number;
  status: 'pending' | 'accepted' | 'declined';
  note: string;
  createdAt: string;
  decidedAt: string | null;
  decidedBy?: string;
  installments: { dueDate: string; amount: string }[];
}
