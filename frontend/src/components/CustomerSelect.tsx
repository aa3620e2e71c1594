import Select from '@atlaskit/select';
import type { Customer } from '../api/types';

/** CustomerSelect picks one customer (or none when allowEmpty). */
export function CustomerSelect({ id, customers, value, onChange, allowEmpty, emptyLabel = 'All customers' }: {
  id: string;
  customers: Customer[];
  value: number | null;
  onChange: (id: number | null) => void;
  allowEmpty?: boolean;
  emptyLabel?: string;
}) {
  const options = [...(allowEmpty ? [{ label: emptyLabel, value: 0 }] : []), ...customers.map((c) => ({ label: `${c.name} (${c.currency})`, value: c.id }))];
  const selected = options.find((o) => o.value === (value ?? 0)) ?? null;
  return (
    <Select
      inputId={id}
      options={options}
      value={selected}
      onChange={(o) => onChange(o && o.value ? o.value : null)}
      placeholder="Choose a customer"
      menuPortalTarget={document.body}
      styles={{ menuPortal: (base) => ({ ...base, zIndex: 400 }) }}
    />
  );
}
