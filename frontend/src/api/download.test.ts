import { describe, expect, it } from 'vitest';
import { EINVOICE_FORMATS, einvoiceFileName, einvoicePath } from './download';

describe('e-invoice downloads', () => {
  it('asks for each format the API serves, named as the server names it', () => {
    expect(EINVOICE_FORMATS.map((f) => f.value)).toEqual(['ubl', 'cii', 'xrechnung', 'facturx']);
    expect(einvoicePath(7, 'xrechnung')).toBe('/invoices/7/einvoice?format=xrechnung');
    expect(einvoiceFileName('INV-2026-0001', 'ubl')).toBe('INV-2026-0001.ubl.xml');
    expect(einvoiceFileName('INV-2026-0001', 'facturx')).toBe('INV-2026-0001.facturx.pdf');
  });
});
