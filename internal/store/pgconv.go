package store

import (
	"fmt"
	"math/big"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/invoice"
)

// numeric passes a decimal to a numeric parameter exactly: coefficient and
// exponent go over the wire in binary, with no float or text detour.
func numeric(d decimal.Decimal) pgtype.Numeric {
	return pgtype.Numeric{Int: d.Coefficient(), Exp: d.Exponent(), Valid: true}
}

// numerics converts a slice for a numeric[] parameter.
func numerics(ds []decimal.Decimal) []pgtype.Numeric {
	out := make([]pgtype.Numeric, len(ds))
	for i, d := range ds {
		out[i] = numeric(d)
	}
	return out
}

// decimalScan scans a numeric column into a decimal.Decimal, keeping the
// column's scale (95.00 stays 95.00). NULL, NaN and infinities are errors:
// no money column may hold them.
type decimalScan struct{ d *decimal.Decimal }

// ScanNumeric implements pgtype.NumericScanner.
func (s decimalScan) ScanNumeric(v pgtype.Numeric) error {
	switch {
	case !v.Valid:
		return fmt.Errorf("numeric is NULL")
	case v.NaN || v.InfinityModifier != pgtype.Finite:
		return fmt.Errorf("numeric is not a finite number")
	}
	n := v.Int
	if n == nil {
		n = new(big.Int)
	}
	*s.d = decimal.NewFromBigInt(n, v.Exp)
	return nil
}

// dec returns a scan target for a numeric column.
func dec(d *decimal.Decimal) decimalScan { return decimalScan{d} }

// pgDate passes a calendar date to a date parameter; the zero Date is NULL.
func pgDate(d invoice.Date) pgtype.Date {
	if d.IsZero() {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), Valid: true}
}

// dateScan scans a date column into an invoice.Date; NULL becomes the zero
// Date. pgx reads dates as UTC midnights, so the calendar fields are exact.
type dateScan struct{ d *invoice.Date }

// ScanDate implements pgtype.DateScanner.
func (s dateScan) ScanDate(v pgtype.Date) error {
	switch {
	case !v.Valid:
		*s.d = invoice.Date{}
	case v.InfinityModifier != pgtype.Finite:
		return fmt.Errorf("date is infinite")
	default:
		*s.d = invoice.DateOf(v.Time.UTC())
	}
	return nil
}

// date returns a scan target for a date column.
func date(d *invoice.Date) dateScan { return dateScan{d} }

// rowConv converts the pgtype values of a generated row into domain
// values, keeping the first error, so that a row's conversion reads as a
// list of fields with one error check at the end. It applies the same
// rules as the scan targets above.
type rowConv struct{ err error }

// dec converts a numeric column; see decimalScan.
func (c *rowConv) dec(v pgtype.Numeric) decimal.Decimal {
	var d decimal.Decimal
	if err := (decimalScan{&d}).ScanNumeric(v); err != nil && c.err == nil {
		c.err = err
	}
	return d
}

// date converts a date column; see dateScan.
func (c *rowConv) date(v pgtype.Date) invoice.Date {
	var d invoice.Date
	if err := (dateScan{&d}).ScanDate(v); err != nil && c.err == nil {
		c.err = err
	}
	return d
}
