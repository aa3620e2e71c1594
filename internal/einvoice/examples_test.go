package einvoice

import (
	"encoding/xml"
	"os"
	"testing"

	speedata "github.com/speedata/einvoice"
)

// statedTotals are the document totals an e-invoice states, read with
// encoding/xml alone, independently of the library.
type statedTotals struct {
	LineTotal, TaxBasis, Grand, Due string
}

func stated(t *testing.T, path string) statedTotals {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ubl struct {
		LMT struct {
			Line    string `xml:"LineExtensionAmount"`
			Excl    string `xml:"TaxExclusiveAmount"`
			Incl    string `xml:"TaxInclusiveAmount"`
			Payable string `xml:"PayableAmount"`
		} `xml:"LegalMonetaryTotal"`
	}
	var cii struct {
		Sum struct {
			Line  string `xml:"LineTotalAmount"`
			Basis string `xml:"TaxBasisTotalAmount"`
			Grand string `xml:"GrandTotalAmount"`
			Due   string `xml:"DuePayableAmount"`
		} `xml:"SupplyChainTradeTransaction>ApplicableHeaderTradeSettlement>SpecifiedTradeSettlementHeaderMonetarySummation"`
	}
	if err := xml.Unmarshal(b, &ubl); err != nil {
		t.Fatal(err)
	}
	if ubl.LMT.Payable != "" {
		return statedTotals{ubl.LMT.Line, ubl.LMT.Excl, ubl.LMT.Incl, ubl.LMT.Payable}
	}
	if err := xml.Unmarshal(b, &cii); err != nil {
		t.Fatal(err)
	}
	return statedTotals{cii.Sum.Line, cii.Sum.Basis, cii.Sum.Grand, cii.Sum.Due}
}

// TestOfficialExamplesReadBack: the EN 16931 examples of UBL and CII
// pass the rules as this package checks them (Check), and the library
// reads them to the totals they state.
func TestOfficialExamplesReadBack(t *testing.T) {
	for _, name := range []string{"ubl-valid.xml", "cii-valid.xml"} {
		path := shared(t, "examples/"+name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		inv, err := speedata.ParseXMLFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := stated(t, path)
		if want.Due == "" {
			t.Fatalf("%s: no totals found", name)
		}
		for _, c := range []struct {
			what, want string
			got        interface{ String() string }
		}{
			{"BT-106", want.LineTotal, inv.LineTotal},
			{"BT-109", want.TaxBasis, inv.TaxBasisTotal},
			{"BT-112", want.Grand, inv.GrandTotal},
			{"BT-115", want.Due, inv.DuePayableAmount},
		} {
			if w := dec(c.want); !w.Equal(dec(c.got.String())) {
				t.Errorf("%s %s: read %s, stated %s", name, c.what, c.got, c.want)
			}
		}
	}
}
