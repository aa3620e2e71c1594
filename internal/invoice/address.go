package invoice

import (
	"strings"
)

// Address is a postal address as EU and UK invoicing rules require it of
// both parties (SPEC §4) and EN 16931 carries it (BG-5, BG-8): street,
// city, postcode and an ISO 3166-1 alpha-2 country code.
type Address struct {
	Street   string `json:"street"`
	City     string `json:"city"`
	Postcode string `json:"postcode"`
	Country  string `json:"country"` // ISO 3166-1 alpha-2, upper case
}

// IsZero reports whether no part of the address is given.
func (a Address) IsZero() bool {
	return strings.TrimSpace(a.Street) == "" && strings.TrimSpace(a.City) == "" &&
		strings.TrimSpace(a.Postcode) == "" && strings.TrimSpace(a.Country) == ""
}

// Normalized trims every part and writes the country in upper case.
func (a Address) Normalized() Address {
	return Address{
		Street:   strings.TrimSpace(strings.ReplaceAll(a.Street, "\r\n", "\n")),
		City:     strings.TrimSpace(a.City),
		Postcode: strings.TrimSpace(a.Postcode),
		Country:  strings.ToUpper(strings.TrimSpace(a.Country)),
	}
}

// Lines is the address as printed: the street (which may hold several
// lines), the postcode and city, and the country code.
func (a Address) Lines() []string {
	var out []string
	for _, l := range strings.Split(a.Street, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if pc := strings.TrimSpace(a.Postcode + " " + a.City); pc != "" {
		out = append(out, pc)
	}
	if a.Country != "" {
		out = append(out, CountryName(a.Country))
	}
	return out
}

// check adds the problems of an address to f under prefix ("address",
// "seller.postalAddress"). An empty address is left to required; a
// given one needs a street, a city and a known country; a postcode is
// optional, since some countries have none.
func (a Address) check(prefix string, required bool, f map[string]string) {
	if a.IsZero() {
		if required {
			f[prefix] = "is required: street, city, postcode and country"
		}
		return
	}
	if a.Street == "" || len(a.Street) > 300 {
		f[prefix+".street"] = "is required (at most 300 characters)"
	}
	if a.City == "" || len(a.City) > 100 {
		f[prefix+".city"] = "is required (at most 100 characters)"
	}
	if len(a.Postcode) > 20 {
		f[prefix+".postcode"] = "must be at most 20 characters"
	}
	if !ValidCountry(a.Country) {
		f[prefix+".country"] = "must be an ISO 3166-1 alpha-2 country code such as DE, FR or GB"
	}
}

// ValidCountry reports whether code is an assigned ISO 3166-1 alpha-2
// code (upper case).
func ValidCountry(code string) bool {
	_, ok := countries[code]
	return ok
}

// CountryName is the English short name of an ISO 3166-1 alpha-2 code,
// or the code itself when it is not one.
func CountryName(code string) string {
	if n, ok := countries[code]; ok {
		return n
	}
	return code
}

// InEU reports whether a country is a member state of the European Union,
// where the VAT Directive's reverse charge for services applies.
func InEU(code string) bool {
	return strings.Contains(" AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE ", " "+code+" ")
}
