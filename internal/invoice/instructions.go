package invoice

import "fmt"

// PaymentInstructions is how an invoice asks to be paid, on the PDF and
// in follow-up messages.
func PaymentInstructions(seller, number string) string {
	if seller == "" {
		return fmt.Sprintf("Please quote invoice number %s with your payment.", number)
	}
	return fmt.Sprintf("Please pay %s and quote invoice number %s with your payment.", seller, number)
}
