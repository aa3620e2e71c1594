package stripepay

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/remitapp/remit/internal/money"
	"github.com/remitapp/remit/internal/remit"
)

// Stripe counts amounts in a currency's smallest unit, which is not
// always ISO 4217's (https://docs.stripe.com/currencies): the
// zero-decimal currencies take whole units, the three-decimal ones
// thousandths with a last digit of 0, every other currency hundredths,
// and ISK, zero-decimal in practice, hundredths divisible by 100.
var (
	zeroDecimal = map[money.Currency]bool{
		"BIF": true, "CLP": true, "DJF": true, "GNF": true, "JPY": true, "KMF": true, "KRW": true, "MGA": true,
		"PYG": true, "RWF": true, "UGX": true, "VND": true, "VUV": true, "XAF": true, "XOF": true, "XPF": true,
	}
	threeDecimal = map[money.Currency]bool{"BHD": true, "JOD": true, "KWD": true, "OMR": true, "TND": true}
	// wholeUnitsOnly are two-decimal in the API but take whole units.
	wholeUnitsOnly = map[money.Currency]bool{"ISK": true}
)

// stripeExponent is the number of decimals of Stripe's unit for c.
func stripeExponent(c money.Currency) int32 {
	switch {
	case zeroDecimal[c]:
		return 0
	case threeDecimal[c]:
		return 3
	}
	return 2
}

// stripeStep is the multiple Stripe's amounts in c must be of.
func stripeStep(c money.Currency) int64 {
	switch {
	case threeDecimal[c]:
		return 10
	case wholeUnitsOnly[c]:
		return 100
	}
	return 1
}

// toStripeAmount is amount in Stripe's unit for c. An amount Stripe
// cannot charge exactly (finer than its unit, or off its step) is
// refused rather than rounded: the customer pays what the invoice says
// or pays another way.
func toStripeAmount(amount decimal.Decimal, c money.Currency) (int64, error) {
	const op = "stripepay.amount"
	minor := amount.Shift(stripeExponent(c))
	step := stripeStep(c)
	if !minor.IsInteger() || !minor.IsPositive() || !minor.Mod(decimal.NewFromInt(step)).IsZero() || !minor.BigInt().IsInt64() {
		return 0, remit.Errorf(remit.Unprocessable, op, "%s %s cannot be paid by card: Stripe takes %s amounts in steps of %s",
			money.Format(amount, c), c, c, money.Format(decimal.New(step, -stripeExponent(c)), c))
	}
	return minor.IntPart(), nil
}

// fromStripeAmount is a Stripe amount in currency code (as Stripe
// spells it, lower case) as a decimal and its ISO currency.
func fromStripeAmount(minor int64, code string) (decimal.Decimal, money.Currency, error) {
	c, err := money.ParseCurrency(strings.ToUpper(code))
	if err != nil {
		return decimal.Zero, "", fmt.Errorf("stripepay: currency %q: %w", code, err)
	}
	return decimal.New(minor, -stripeExponent(c)), c, nil
}
