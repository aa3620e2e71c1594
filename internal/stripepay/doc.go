// Package stripepay is card payment through Stripe Checkout (SPEC §15,
// "Pay now"): the customer page asks Service.CheckoutURL for a hosted
// Checkout session for an invoice's balance, or its plan's next
// installment, and Stripe's signed webhook (Service.HandleWebhook, on
// POST /webhooks/stripe) records the payment exactly once through
// billing.Service.RecordReceived, in one transaction with the rows that
// deduplicate it: the event id (a replayed delivery) and the payment
// intent (the same payment announced by checkout.session.completed and
// payment_intent.succeeded, in either order). Refunds and card disputes
// of a recorded payment are taken off it once per refund and dispute id
// (billing.Service.ReturnReceived; a dispute won brings the money back),
// in whatever order their events come. docs/payments.md tells the story.
package stripepay
