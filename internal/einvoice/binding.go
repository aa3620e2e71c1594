package einvoice

import (
	"github.com/beevik/etree"
)

// bind puts what the library writes where the EN 16931 syntax bindings
// (and the Peppol and KoSIT schematrons) read it, in XML the library
// wrote for format f:
//
//   - UBL: the due date (BT-9) as the header's cbc:DueDate, not inside
//     cac:PaymentTerms; the deliver-to address (BG-15) in
//     cac:Delivery/cac:DeliveryLocation/cac:Address, with only the
//     party's name (BT-70) left in cac:DeliveryParty.
//   - both: no VAT rate on a "not subject to VAT" (O) category (BR-O-05,
//     BR-O-06, BR-O-07), where the library writes 0.
//
// It also declares the XML version and encoding.
func bind(xml []byte, f Format) ([]byte, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xml); err != nil {
		return nil, err
	}
	root := doc.Root()
	if f.ubl() {
		bindUBL(root)
	} else {
		for _, tax := range append(root.FindElements("//ram:ApplicableTradeTax"), root.FindElements("//ram:CategoryTradeTax")...) {
			if code := tax.SelectElement("ram:CategoryCode"); code != nil && code.Text() == "O" {
				if rate := tax.SelectElement("ram:RateApplicablePercent"); rate != nil {
					tax.RemoveChild(rate)
				}
			}
		}
	}
	doc.InsertChildAt(0, etree.NewProcInst("xml", `version="1.0" encoding="UTF-8"`))
	doc.Indent(2)
	return doc.WriteToBytes()
}

func bindUBL(root *etree.Element) {
	if terms := root.SelectElement("cac:PaymentTerms"); terms != nil && root.Tag == "Invoice" {
		if due := terms.SelectElement("cbc:PaymentDueDate"); due != nil {
			terms.RemoveChild(due)
			if issued := root.SelectElement("cbc:IssueDate"); issued != nil {
				d := etree.NewElement("cbc:DueDate")
				d.SetText(due.Text())
				root.InsertChildAt(issued.Index()+1, d)
			}
			if len(terms.ChildElements()) == 0 {
				root.RemoveChild(terms)
			}
		}
	}
	for _, cat := range append(root.FindElements("//cac:ClassifiedTaxCategory"), root.FindElements("//cac:TaxCategory")...) {
		if id := cat.SelectElement("cbc:ID"); id != nil && id.Text() == "O" {
			if rate := cat.SelectElement("cbc:Percent"); rate != nil {
				cat.RemoveChild(rate)
			}
		}
	}
	if delivery := root.SelectElement("cac:Delivery"); delivery != nil {
		if party := delivery.SelectElement("cac:DeliveryParty"); party != nil {
			if postal := party.SelectElement("cac:PostalAddress"); postal != nil {
				party.RemoveChild(postal)
				location := etree.NewElement("cac:DeliveryLocation")
				address := location.CreateElement("cac:Address")
				for _, c := range postal.ChildElements() {
					address.AddChild(c)
				}
				delivery.InsertChildAt(party.Index(), location)
			}
		}
	}
}

// deliverToCountry is the deliver-to country code (BT-80) a UBL document
// states, which the library does not read back.
func deliverToCountry(xml []byte) string {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xml); err != nil || doc.Root() == nil {
		return ""
	}
	if c := doc.Root().FindElement("cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"); c != nil {
		return c.Text()
	}
	return ""
}
