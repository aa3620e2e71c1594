package invoice

// StoredDocument is the document of an invoice that has none stored,
// rebuilt from what the invoice keeps (number, dates, period, currency,
// time lines, tax rate) and the seller and customer as they are now: the
// document a credit note names and takes its parties, tax terms and
// taxable base from.
//
// Invoices issued before invoices kept their document have only their
// rows; once an invoice carries its stored document, a credit note is
// built from that instead. Issue is not used here: it refuses what such
// invoices may lack (a seller tax id, a buyer address, late-payment
// terms), yet an invoice already issued must still be correctable. The
// tax rate is the invoice's own, not the customer's current one.
func StoredDocument(inv *Invoice, s Settings, c Customer) (Document, error) {
	c.Currency = inv.Currency
	if inv.Customer != "" {
		c.Name = inv.Customer // the name the invoice was issued to
	}
	terms := TaxTermsOf(&c)
	terms.StandardRate = inv.TaxPercent
	items := TimeItems(inv.Lines, &c)
	totals, err := DocumentTotalsOf(items, Discount{}, terms, inv.Currency)
	if err != nil {
		return Document{}, err
	}
	return Document{
		Version: DocumentVersion, Kind: KindInvoice, Number: inv.Number,
		IssueDate: inv.IssueDate, DueDate: inv.DueDate, PeriodStart: inv.Period.Start, PeriodEnd: inv.Period.End,
		Currency: inv.Currency, Seller: sellerParty(s.Seller), Buyer: buyerParty(&c),
		Lines: items, Totals: totals, PaymentTermsDays: inv.IssueDate.DaysUntil(inv.DueDate),
		Payment: s.Payment.Normalized(),
	}, nil
}
