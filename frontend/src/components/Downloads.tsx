import Button from '@atlaskit/button/new';
import { Inline } from '@atlaskit/primitives/compiled';
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import { download, EINVOICE_FORMATS, einvoiceFileName, einvoicePath } from '../api/download';
import type { Invoice } from '../api/types';

/** Downloads offers an issued invoice's files: the PDF and its e-invoice
 * in each format. A draft has none. A failure (an e-invoice the invoice
 * lacks data for answers 422 naming the fields) goes to onError. */
export function Downloads({ api, invoice, compact, disabled, onError }: {
  api: ApiClient;
  invoice: Pick<Invoice, 'id' | 'number' | 'status'>;
  compact?: boolean;
  disabled?: boolean;
  onError: (err: Error | undefined) => void;
}) {
  const [busy, setBusy] = useState('');
  if (invoice.status === 'draft') return null;
  const get = async (what: string, path: string, fileName: string) => {
    setBusy(what);
    onError(undefined);
    try {
      await download(api, path, fileName);
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy('');
    }
  };
  const appearance = compact ? 'subtle' : 'default';
  return (
    <Inline space="space.050" shouldWrap>
      <Button appearance={appearance} isDisabled={disabled || busy !== ''} isLoading={busy === 'pdf'}
        onClick={() => void get('pdf', `/invoices/${invoice.id}/pdf`, `${invoice.number}.pdf`)}>
        {compact ? 'PDF' : 'Download PDF'}
      </Button>
      {EINVOICE_FORMATS.map((f) => (
        <Button key={f.value} appearance={appearance} isDisabled={disabled || busy !== ''} isLoading={busy === f.value}
          aria-label={`Download ${invoice.number} as ${f.title}`}
          onClick={() => void get(f.value, einvoicePath(invoice.id, f.value), einvoiceFileName(invoice.number, f.value))}>
          {f.label}
        </Button>
      ))}
    </Inline>
  );
}
