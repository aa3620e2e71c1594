package invoice

import (
	"math/big"
	"strings"
)

// PaymentDetails say how the seller is paid: a bank account by IBAN (with
// the BIC), or by a domestic account number, or free-text instructions.
// Any may be empty; at least one is needed before an invoice is finalized
// (Ready). EN 16931 carries them as payment means (BG-16).
type PaymentDetails struct {
	IBAN          string `json:"iban"`
	BIC           string `json:"bic"`
	AccountName   string `json:"accountName"`
	AccountNumber string `json:"accountNumber,omitempty"` // domestic account (e.g. a US routing and account number)
	Instructions  string `json:"instructions"`
}

// Normalized writes the IBAN and BIC in upper case without spaces and
// trims the rest.
func (p PaymentDetails) Normalized() PaymentDetails {
	compact := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }
	return PaymentDetails{
		IBAN:          compact(p.IBAN),
		BIC:           compact(p.BIC),
		AccountName:   strings.TrimSpace(p.AccountName),
		AccountNumber: strings.TrimSpace(p.AccountNumber),
		Instructions:  strings.TrimSpace(p.Instructions),
	}
}

// IsZero reports whether no way to pay is given.
func (p PaymentDetails) IsZero() bool {
	return p.IBAN == "" && p.AccountNumber == "" && strings.TrimSpace(p.Instructions) == ""
}

// check adds the problems of normalized details to f under prefix.
func (p PaymentDetails) check(prefix string, f map[string]string) {
	if p.IBAN != "" {
		if msg := ibanProblem(p.IBAN); msg != "" {
			f[prefix+".iban"] = msg
		}
	}
	if p.BIC != "" && !ValidBIC(p.BIC) {
		f[prefix+".bic"] = "must be a BIC (SWIFT code) of 8 or 11 characters such as COBADEFFXXX"
	}
	if p.BIC != "" && p.IBAN == "" && p.AccountNumber == "" {
		f[prefix+".bic"] = "needs the IBAN or account number it belongs to"
	}
	if len(p.AccountName) > 140 {
		f[prefix+".accountName"] = "must be at most 140 characters"
	}
	if len(p.AccountNumber) > 64 {
		f[prefix+".accountNumber"] = "must be at most 64 characters"
	}
	if len(p.Instructions) > 2000 {
		f[prefix+".instructions"] = "must be at most 2000 characters"
	}
}

// FormatIBAN prints an IBAN in groups of four, as people read it.
func FormatIBAN(iban string) string {
	var b strings.Builder
	for i, r := range iban {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ibanProblem says what is wrong with a compact upper-case IBAN, or ""
// when it is valid: a known country, its length for that country where
// known (15 to 34 otherwise), letters and digits only, and the ISO 13616
// check digits (the number mod 97 is 1).
func ibanProblem(iban string) string {
	if len(iban) < 15 || len(iban) > 34 {
		return "must be an IBAN of 15 to 34 characters such as DE89 3704 0044 0532 0130 00"
	}
	cc := iban[:2]
	if !ValidCountry(cc) {
		return "must start with the ISO 3166 code of its country"
	}
	if n, ok := ibanLengths[cc]; ok && len(iban) != n {
		return "an IBAN of " + CountryName(cc) + " has " + itoa(n) + " characters, this one " + itoa(len(iban))
	}
	var digits strings.Builder
	for _, r := range iban[4:] + iban[:4] {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			digits.WriteString(itoa(int(r-'A') + 10))
		default:
			return "may hold only letters and digits"
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	if new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return "has wrong check digits: a character is mistyped"
	}
	return ""
}

// ValidIBAN reports whether s (spaces allowed) is a valid IBAN.
func ValidIBAN(s string) bool {
	return ibanProblem(PaymentDetails{IBAN: s}.Normalized().IBAN) == ""
}

// ValidBIC reports whether a compact upper-case BIC is well formed: four
// letters of the bank, a country code, two letters or digits of the place
// and an optional branch of three.
func ValidBIC(bic string) bool {
	if len(bic) != 8 && len(bic) != 11 {
		return false
	}
	for i, r := range bic {
		letter := r >= 'A' && r <= 'Z'
		digit := r >= '0' && r <= '9'
		if i < 6 && !letter || i >= 6 && !letter && !digit {
			return false
		}
	}
	return ValidCountry(bic[4:6])
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// ibanLengths are the IBAN lengths of the SEPA countries and the UK.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
	"ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
	"IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
	"PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}
