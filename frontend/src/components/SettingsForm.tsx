import Button from '@atlaskit/button/new';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { Settings, SettingsChoices } from '../api/types';
import { flag } from '../host';
import { ErrorMessage } from './ErrorMessage';
import { describedBy, Field } from './Field';
import { choiceList, choiceOptions, choicesPath, selectedOption } from './settingsChoices';

type Path = string;

/** The settings fields, by their path in the settings object. */
const FIELDS: { path: Path; label: string; help?: string; type?: string }[] = [
  { path: 'billingProjectKey', label: 'Billing project key', help: 'Invoice issues are created in this project.' },
  { path: 'invoiceIssueType', label: 'Invoice issue type' },
  { path: 'statuses.open', label: 'Status when sent' },
  { path: 'statuses.overdue', label: 'Status when overdue' },
  { path: 'statuses.paid', label: 'Status when paid' },
  { path: 'statuses.void', label: 'Status when void' },
  { path: 'currency', label: 'Default currency', help: 'ISO 4217 code such as USD, EUR, JPY.' },
  { path: 'timezone', label: 'Timezone', help: 'IANA zone such as America/New_York.' },
  { path: 'paymentTermsDays', label: 'Payment terms (days)', type: 'number' },
  { path: 'numberFormat', label: 'Invoice number format' },
  { path: 'seller.name', label: 'Seller name' },
  { path: 'seller.address', label: 'Seller address' },
  { path: 'seller.taxId', label: 'Seller tax id' },
  { path: 'seller.email', label: 'Seller e-mail', type: 'email' },
  { path: 'billableJql', label: 'Billable work filter (JQL)' },
  { path: 'roundingMinutes', label: 'Round each worklog up to (minutes)', type: 'number', help: '0 keeps exact time.' },
  { path: 'followupSchedule', label: 'Follow-up schedule (cron)', help: 'In the tenant timezone, e.g. 0 9 * * 1-5.' },
  {
    path: 'promiseMaxDays',
    label: 'Customers may promise to pay within (days)',
    type: 'number',
    help: 'On the customer page. Empty or 0: 30 days.',
  },
  {
    path: 'promiseGraceDays',
    label: 'Grace after a promised date (days)',
    type: 'number',
    help: 'Follow-ups resume after it. Empty: 2 days.',
  },
];

function read(obj: unknown, path: Path): string {
  const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
  return v == null ? '' : String(v);
}

function write<T>(obj: T, path: Path, value: unknown): T {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const o = { ...(obj as Record<string, unknown>) };
  o[head] = rest.length === 0 ? value : write(o[head] ?? {}, rest.join('.'), value);
  return o as T;
}

/** SettingsForm edits the whole settings object (PUT takes it whole). */
export function SettingsForm({ api, initial, disabled, onSaved }: { api: ApiClient; initial: Settings; disabled: boolean; onSaved: (s: Settings) => void }) {
  const [s, setS] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  // The choices follow the billing project as last left (on blur) or saved;
  // without them (Jira unreachable, no such project) fields stay free text.
  const [choicesFor, setChoicesFor] = useState(initial.billingProjectKey);
  const [choices, setChoices] = useState<SettingsChoices>();

  useEffect(() => {
    let live = true;
    api.get<SettingsChoices>(choicesPath(choicesFor)).then(
      (c) => live && setChoices(c),
      () => live && setChoices(undefined),
    );
    return () => {
      live = false;
    };
  }, [api, choicesFor]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setErrors({});
    try {
      const saved = await api.put<Settings>('/settings', s);
      setS(saved);
      setChoicesFor(saved.billingProjectKey);
      onSaved(saved);
      flag('Settings saved', 'Remit uses them from now on.');
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors);
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} aria-label="Settings" noValidate>
      <Stack space="space.100">
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', columnGap: 24 }}>
          {FIELDS.map((f) => {
            const id = `set-${f.path.replace(/\./g, '-')}`;
            const err = errors[f.path];
            const list = choiceList(choices, f.path);
            if (list.length > 0) {
              const options = choiceOptions(list, read(s, f.path));
              return (
                <Field key={f.path} id={id} label={f.label} error={err} help={f.help}>
                  <Select
                    inputId={id}
                    name={f.path}
                    options={options}
                    value={selectedOption(options, read(s, f.path))}
                    validationState={err ? 'error' : 'default'}
                    aria-describedby={describedBy(id, err, f.help)}
                    onChange={(o) => setS(write(s, f.path, o ? o.value : ''))}
                    menuPortalTarget={document.body}
                    styles={{ menuPortal: (base) => ({ ...base, zIndex: 400 }) }}
                  />
                </Field>
              );
            }
            return (
              <Field key={f.path} id={id} label={f.label} error={err} help={f.help}>
                <Textfield
                  id={id}
                  name={f.path}
                  type={f.type ?? 'text'}
                  value={read(s, f.path)}
                  isInvalid={!!err}
                  aria-describedby={describedBy(id, err, f.help)}
                  onBlur={f.path === 'billingProjectKey' ? () => setChoicesFor(s.billingProjectKey) : undefined}
                  onChange={(ev) => {
                    const raw = ev.currentTarget.value;
                    setS(write(s, f.path, f.type === 'number' ? (raw === '' ? 0 : Number(raw)) : raw));
                  }}
                />
              </Field>
            );
          })}
        </div>
        {failure ? <ErrorMessage error={failure} title="Settings not saved" /> : null}
        <Inline>
          <Button type="submit" appearance="primary" isLoading={busy} isDisabled={disabled}>
            Save settings
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}
