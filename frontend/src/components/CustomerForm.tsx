import Button from '@atlaskit/button/new';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { useState, type FormEvent } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { Customer, CustomerEInvoiceFormat } from '../api/types';
import { ErrorMessage } from './ErrorMessage';
import { describedBy, Field } from './Field';

/** overridesText shows rate overrides as "key=rate" lines. */
function overridesText(m: Record<string, string> | null | undefined): string {
  return Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`).join('\n');
}

function parseOverrides(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/[\n,]/)) {
    const [k, v] = line.split('=').map((s) => s.trim());
    if (k && v) out[k] = v;
  }
  return out;
}

/** EINVOICE_CHOICES are the e-invoices a customer may receive by e-mail. */
const EINVOICE_CHOICES: { label: string; value: CustomerEInvoiceFormat }[] = [
  { label: 'None', value: '' },
  { label: 'UBL (Peppol BIS Billing 3.0)', value: 'ubl' },
  { label: 'CII (EN 16931)', value: 'cii' },
  { label: 'XRechnung', value: 'xrechnung' },
  { label: 'Factur-X / ZUGFeRD (PDF)', value: 'facturx' },
];

/** CustomerForm creates or edits a customer and its rates. */
export function CustomerForm({ api, customer, defaultCurrency, onSaved, onCancel }: {
  api: ApiClient;
  customer?: Customer;
  defaultCurrency: string;
  onSaved: (c: Customer) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(customer?.name ?? '');
  const [jql, setJql] = useState(customer?.jql ?? '');
  const [currency, setCurrency] = useState(customer?.currency ?? defaultCurrency);
  const [rate, setRate] = useState(customer?.hourlyRate ?? '');
  const [tax, setTax] = useState(customer?.taxRatePercent ?? '0');
  const [email, setEmail] = useState(customer?.billingEmail ?? '');
  const [projects, setProjects] = useState(overridesText(customer?.rateOverrides?.projects));
  const [accounts, setAccounts] = useState(overridesText(customer?.rateOverrides?.accounts));
  const [buyerRef, setBuyerRef] = useState(customer?.buyerReference ?? '');
  const [peppolId, setPeppolId] = useState(customer?.peppolId ?? '');
  const [einvoice, setEinvoice] = useState<CustomerEInvoiceFormat>(customer?.einvoiceFormat ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setErrors({});
    const body = {
      ...(customer ?? {}),
      name, jql, currency, hourlyRate: rate, taxRatePercent: tax, billingEmail: email,
      buyerReference: buyerRef, peppolId, einvoiceFormat: einvoice,
      rateOverrides: { projects: parseOverrides(projects), accounts: parseOverrides(accounts) },
    };
    try {
      onSaved(customer ? await api.put<Customer>(`/customers/${customer.id}`, body) : await api.post<Customer>('/customers', body));
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors);
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  const text = (id: string, label: string, value: string, set: (v: string) => void, field: string, help?: string) => (
    <Field id={id} label={label} error={errors[field]} help={help}>
      <Textfield id={id} name={field} value={value} onChange={(e) => set(e.currentTarget.value)} isInvalid={!!errors[field]} aria-describedby={describedBy(id, errors[field], help)} />
    </Field>
  );

  return (
    <form onSubmit={save} aria-label={customer ? `Edit ${customer.name}` : 'New customer'} noValidate>
      <Stack space="space.050">
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', columnGap: 24 }}>
          {text('cust-name', 'Name', name, setName, 'name')}
          {text('cust-jql', 'Work (JQL)', jql, setJql, 'jql', 'e.g. project in (ACME, ACMESUP)')}
          {text('cust-currency', 'Currency', currency, setCurrency, 'currency')}
          {text('cust-rate', 'Hourly rate', rate, setRate, 'hourlyRate')}
          {text('cust-tax', 'Tax rate (%)', tax, setTax, 'taxRatePercent')}
          {text('cust-email', 'Billing e-mail', email, setEmail, 'billingEmail')}
          {text('cust-projects', 'Rates per project', projects, setProjects, 'rateOverrides.projects', 'KEY=rate, comma separated')}
          {text('cust-accounts', 'Rates per person', accounts, setAccounts, 'rateOverrides.accounts', 'accountId=rate, comma separated')}
          {text('cust-buyer-ref', 'Buyer reference', buyerRef, setBuyerRef, 'buyerReference', 'PO number, or the Leitweg-ID for XRechnung')}
          {text('cust-peppol', 'Peppol id', peppolId, setPeppolId, 'peppolId', 'scheme:id, e.g. 0208:0123456789')}
          <Field id="cust-einvoice" label="E-invoice by e-mail" error={errors.einvoiceFormat} help="Sent beside the PDF">
            <Select
              inputId="cust-einvoice"
              options={EINVOICE_CHOICES}
              value={EINVOICE_CHOICES.find((c) => c.value === einvoice) ?? EINVOICE_CHOICES[0]}
              onChange={(o) => setEinvoice(o?.value ?? '')}
            />
          </Field>
        </div>
        {failure ? <ErrorMessage error={failure} title="Customer not saved" /> : null}
        <Inline space="space.100">
          <Button type="submit" appearance="primary" isLoading={busy}>
            {customer ? 'Save customer' : 'Add customer'}
          </Button>
          <Button appearance="subtle" onClick={onCancel}>
            Cancel
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}
