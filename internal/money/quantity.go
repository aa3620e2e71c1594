package money

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// Bounds of the search for an hours quantity that multiplies out. Two
// decimals is how hours have always been shown; twenty is enough for
// every rate Remit accepts (at most 1,000,000 with four decimals) in every
// currency (at most four minor digits): the error of the rounded quantity
// times the rate is then smaller than the distance from the exact amount
// to the nearest rounding boundary.
const (
	minHourDecimals = 2
	maxHourDecimals = 20
)

// TimeQuantity is the hours of a time line written with the fewest
// decimals (at least two) such that hours × hourlyRate, rounded half-up to
// the currency's minor unit, is exactly TimeAmount(seconds, hourlyRate, c).
// An invoice must multiply out to the cent: 20 minutes at 100.00 an hour
// bill 33.33, which 0.33 h does not give (33.00) but 0.3333 h does.
//
// At each number of decimals the hours are rounded half-up first and, for
// an amount that lies exactly on a rounding boundary, up; the first that
// gives the amount wins. The search always ends within maxHourDecimals for
// non-negative seconds and rates within Remit's limits; beyond them it
// returns the hours at maxHourDecimals.
func TimeQuantity(seconds int64, hourlyRate decimal.Decimal, c Currency) decimal.Decimal {
	want := TimeAmount(seconds, hourlyRate, c)
	exact := decimal.NewFromInt(seconds).DivRound(secondsPerHour, maxHourDecimals+4)
	for places := int32(minHourDecimals); places <= maxHourDecimals; places++ {
		for _, q := range []decimal.Decimal{exact.Round(places), exact.RoundCeil(places)} {
			if Round(q.Mul(hourlyRate), c).Equal(want) {
				return q
			}
		}
	}
	return exact.Round(maxHourDecimals)
}

// LineAmount is quantity × unit price rounded half-up once to the
// currency's minor unit: the net amount of a fixed-price line.
func LineAmount(quantity, unitPrice decimal.Decimal, c Currency) decimal.Decimal {
	return Round(quantity.Mul(unitPrice), c)
}

// Allocate splits total into parts proportional to weights, each exact in
// the currency's minor unit, adding up to exactly total (largest
// remainder: the minor units left after rounding down go to the parts
// with the largest remainders, earliest first on a tie). total and the
// weights must be exact in the minor unit and total non-negative; zero
// or negative weights get nothing. ok is false when total cannot be
// placed (it is not zero but no weight is positive).
func Allocate(total decimal.Decimal, weights []decimal.Decimal, c Currency) (parts []decimal.Decimal, ok bool) {
	unit := decimal.New(1, -c.Exponent())
	minor := func(d decimal.Decimal) *big.Int { return d.Div(unit).Round(0).BigInt() }
	parts = make([]decimal.Decimal, len(weights))
	sum := new(big.Int)
	ws := make([]*big.Int, len(weights))
	for i, w := range weights {
		parts[i] = decimal.Zero
		ws[i] = minor(w)
		if ws[i].Sign() > 0 {
			sum.Add(sum, ws[i])
		}
	}
	if sum.Sign() == 0 {
		return parts, total.IsZero()
	}
	units := minor(total)
	rems := make([]*big.Int, len(weights))
	left := new(big.Int).Set(units)
	for i, w := range ws {
		if w.Sign() <= 0 {
			continue
		}
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(units, w), sum, new(big.Int))
		parts[i] = decimal.NewFromBigInt(q, -c.Exponent())
		rems[i] = r
		left.Sub(left, q)
	}
	for ; left.Sign() > 0; left.Sub(left, big.NewInt(1)) {
		best := -1
		for i, r := range rems {
			if r != nil && (best < 0 || r.Cmp(rems[best]) > 0) {
				best = i
			}
		}
		parts[best] = parts[best].Add(unit)
		rems[best] = nil // one extra unit each at most
	}
	return parts, true
}
