package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
	"github.com/remitapp/remit/internal/remit"
)

// decodeJSON reads a JSON body into v. Malformed JSON and wrong types are
// 400 problems naming the field; nothing else is read from the request.
func decodeJSON(c echo.Context, v any) error { return decodeBody(c, v, false) }

// decodeStrict is decodeJSON that also refuses, as a 400 naming it, a
// field the shape does not have: a misspelt field would otherwise be
// dropped silently, and a legal field left out of an invoice unnoticed.
func decodeStrict(c echo.Context, v any) error { return decodeBody(c, v, true) }

func decodeBody(c echo.Context, v any, strict bool) error {
	const op = "decode"
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return remit.Errorf(remit.Invalid, op, "request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			return remit.FieldErrors(remit.Invalid, op, "request body has invalid fields", map[string]string{name: "is not a known field"})
		case errors.As(err, &te) && te.Field != "":
			return remit.FieldErrors(remit.Invalid, op, "request body has invalid fields", map[string]string{te.Field: "must be " + jsonKind(te.Type.Kind().String())})
		default:
			return remit.Errorf(remit.Invalid, op, "request body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	if dec.More() {
		return remit.Errorf(remit.Invalid, op, "request body must hold exactly one JSON value")
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int64", "int32":
		return "a whole number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "of another type"
}

// dec is a decimal in JSON: a string like "95.00" (the API's form) or a
// plain number literal. It keeps the text; fieldset.decimal parses it
// exactly (never through float64) and names the field when it is wrong.
type dec struct {
	raw     string
	present bool
}

func (d *dec) UnmarshalJSON(b []byte) error {
	s := string(b)
	switch {
	case s == "null":
		return nil
	case len(s) >= 2 && s[0] == '"':
		u, err := strconv.Unquote(s)
		if err != nil {
			return err
		}
		s = u
	}
	d.raw, d.present = s, true
	return nil
}

// date is a YYYY-MM-DD date in JSON, kept as text until parsed.
type date struct {
	raw     string
	present bool
}

func (d *date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) < 2 || b[0] != '"' {
		d.raw, d.present = string(b), true // not a string: reported by fieldset.date
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return err
	}
	d.raw, d.present = s, s != ""
	return nil
}

// fieldset collects per-field problems while a request is converted.
type fieldset map[string]string

func (f fieldset) decimal(field string, d dec, required bool) decimal.Decimal {
	if !d.present {
		if required {
			f[field] = "is required"
		}
		return decimal.Zero
	}
	v, err := decimal.NewFromString(strings.TrimSpace(d.raw))
	if err != nil || strings.ContainsAny(d.raw, "eE") {
		f[field] = "must be a decimal number such as \"95.00\""
		return decimal.Zero
	}
	return v
}

func (f fieldset) date(field string, d date, required bool) invoice.Date {
	if !d.present {
		if required {
			f[field] = "is required"
		}
		return invoice.Date{}
	}
	v, err := invoice.ParseDate(d.raw)
	if err != nil {
		f[field] = "must be a real date in YYYY-MM-DD form"
	}
	return v
}

// err is nil when no field failed, else a 400 naming every bad field.
func (f fieldset) err() error {
	if len(f) == 0 {
		return nil
	}
	return remit.FieldErrors(remit.Invalid, "api", "request body has invalid fields", f)
}

// dateString renders a date for JSON; the zero date is null.
func dateString(d invoice.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

// paramID parses a numeric path parameter; anything else is a 404, as an
// unknown id would be.
func paramID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, remit.Errorf(remit.NotFound, "api", "no such %s", name)
	}
	return id, nil
}
