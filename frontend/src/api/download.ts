import type { ApiClient } from './client';

/** EInvoiceFormat is a structured e-invoice Remit serves (SPEC §14). */
export type EInvoiceFormat = 'ubl' | 'cii' | 'xrechnung' | 'facturx';

/** EINVOICE_FORMATS are the formats the downloads offer, as people know them. */
export const EINVOICE_FORMATS: { value: EInvoiceFormat; label: string; title: string }[] = [
  { value: 'ubl', label: 'UBL', title: 'UBL 2.1, Peppol BIS Billing 3.0' },
  { value: 'cii', label: 'CII', title: 'UN/CEFACT CII D16B, EN 16931 (ZUGFeRD/Factur-X XML)' },
  { value: 'xrechnung', label: 'XRechnung', title: 'XRechnung 3.0 (UBL), for German public and B2B buyers' },
  { value: 'facturx', label: 'Factur-X', title: 'Factur-X / ZUGFeRD: the PDF with the CII embedded (EN 16931)' },
];

/** einvoicePath is the API path of an invoice's e-invoice in format. */
export function einvoicePath(invoiceId: number, format: EInvoiceFormat): string {
  return `/invoices/${invoiceId}/einvoice?format=${format}`;
}

/** einvoiceFileName is the name the server gives the download too. */
export function einvoiceFileName(number: string, format: EInvoiceFormat): string {
  return format === 'facturx' ? `${number}.facturx.pdf` : `${number}.${format}.xml`;
}

/** download fetches a file with the page's authentication and hands it to
 * the browser as a download named fileName. */
export async function download(api: ApiClient, path: string, fileName: string): Promise<void> {
  const blob = await api.blob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
