import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import { Stack } from '@atlaskit/primitives/compiled';
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Customer, List } from '../api/types';
import { formatMoney } from '../format/money';
import { CustomerForm } from './CustomerForm';
import { ErrorMessage } from './ErrorMessage';
import { useLoad } from './useLoad';

/** CustomerList shows customers with their rates and edits them. */
export function CustomerList({ api, defaultCurrency, disabled, onChange }: { api: ApiClient; defaultCurrency: string; disabled: boolean; onChange: (n: number) => void }) {
  const list = useLoad(async () => {
    const l = await api.get<List<Customer>>('/customers?limit=200');
    onChange(l.items.length);
    return l;
  });
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const rows = (list.data?.items ?? []).map((c) => ({
    key: String(c.id),
    cells: [
      { key: 'name', content: c.name },
      { key: 'jql', content: <code>{c.jql}</code> },
      { key: 'rate', content: `${formatMoney(c.hourlyRate, c.currency)} / h` },
      { key: 'over', content: `${Object.keys(c.rateOverrides?.projects ?? {}).length + Object.keys(c.rateOverrides?.accounts ?? {}).length}` },
      { key: 'tax', content: `${c.taxRatePercent}%` },
      {
        key: 'edit',
        content: (
          <Button appearance="subtle" isDisabled={disabled} onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
            Edit
          </Button>
        ),
      },
    ],
  }));
  return (
    <Stack space="space.200">
      {list.error ? <ErrorMessage error={list.error} title="Customers could not be loaded" /> : null}
      <DynamicTable
        label="Customers"
        isLoading={list.loading && !list.data}
        head={{ cells: [{ key: 'name', content: 'Name' }, { key: 'jql', content: 'Work' }, { key: 'rate', content: 'Rate' }, { key: 'over', content: 'Overrides' }, { key: 'tax', content: 'Tax' }, { key: 'edit', content: 'Actions' }] }}
        rows={rows}
        emptyView={<p>No customers yet.</p>}
      />
      {editing ? (
        <CustomerForm
          api={api}
          customer={editing === 'new' ? undefined : editing}
          defaultCurrency={defaultCurrency}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      ) : (
        <div>
          <Button appearance="primary" isDisabled={disabled} onClick={() => setEditing('new')}>
            Add customer
          </Button>
        </div>
      )}
    </Stack>
  );
}
