package followup

// The built-in tones, one per step of the default ladder, written the way
// a good collections person writes: warm before the due date, then polite,
// firm, escalated, formal; always specific (number, amount, date), always
// with the way to pay and an open door for questions or disputes.
const (
	TemplateFriendly    = "friendly"
	TemplatePolite      = "polite"
	TemplateFirm        = "firm"
	TemplateEscalation  = "escalation"
	TemplateFormal      = "formal"
	TemplateStopWork    = "stop-work"
	TemplateCollections = "collections"
)

// Texts are the sources of one tone: the Jira comment, and the e-mail's
// subject and plain text body (its HTML part is made from the text).
type Texts struct {
	Comment string
	Subject string
	Text    string
}

// commonDefs are named templates every template (built-in or custom) may
// call: {{template "pay" .}} and {{template "signature" .}}.
const commonDefs = `{{define "pay"}}{{if .PayLink}}You can pay online at {{.PayLink}}{{if .PaymentInstructions}} or as follows: {{.PaymentInstructions}}{{end}}.{{else if .PaymentInstructions}}Payment details: {{.PaymentInstructions}}{{end}}{{end}}` +
	`{{define "signature"}}Kind regards,
{{.Seller}}{{if .SellerEmail}}
{{.SellerEmail}}{{end}}{{end}}` +
	`{{define "what"}}invoice {{.Number}}{{if .Installment}} (installment {{.Installment}}){{end}}{{end}}`

// Templates returns the built-in tone with that id, if there is one.
func Templates(id string) (Texts, bool) {
	t, ok := builtin[id]
	return t, ok
}

var builtin = map[string]Texts{
	TemplateFriendly: {
		Comment: `Friendly reminder sent to {{.Customer}}: {{template "what" .}} for {{.Balance}} {{.Currency}} is due on {{.DueDate}}.`,
		Subject: `Invoice {{.Number}} is due on {{.DueDate}}`,
		Text: `Hello {{.Customer}},

Just a friendly heads-up that {{template "what" .}} for {{.Balance}} {{.Currency}} is due on {{.DueDate}}. {{template "pay" .}}

If payment is already on its way, thank you, and please ignore this message. If anything on the invoice looks wrong, just reply and we will sort it out.

{{template "signature" .}}`,
	},
	TemplatePolite: {
		Comment: `Polite reminder sent to {{.Customer}}: {{template "what" .}} for {{.Balance}} {{.Currency}} was due on {{.DueDate}} and is now overdue.`,
		Subject: `Reminder: invoice {{.Number}} was due on {{.DueDate}}`,
		Text: `Hello {{.Customer}},

Our records show that {{template "what" .}} for {{.Balance}} {{.Currency}}, due on {{.DueDate}}, has not been paid yet. It may simply have slipped through; could you arrange payment at your earliest convenience? {{template "pay" .}}

If you have already paid, thank you, and please send us the payment reference so we can match it.

{{template "signature" .}}`,
	},
	TemplateFirm: {
		Comment: `Second reminder sent to {{.Customer}}: {{template "what" .}} is {{.DaysOverdue}} days overdue with {{.Balance}} {{.Currency}} outstanding. A payment plan was offered.`,
		Subject: `Second reminder: invoice {{.Number}} is {{.DaysOverdue}} days overdue`,
		Text: `Hello {{.Customer}},

We have not yet received payment for {{template "what" .}}: {{.Balance}} {{.Currency}} is now {{.DaysOverdue}} days past its due date of {{.DueDate}}, and we have not heard from you. Please pay the outstanding balance within the next seven days. {{template "pay" .}}

If paying in full now is difficult, reply to this e-mail and we will agree a payment plan with you. If you dispute any part of the invoice, tell us what and why, so we can resolve it.

{{template "signature" .}}`,
	},
	TemplateEscalation: {
		Comment: `Escalated to {{.Customer}}'s escalation contacts: {{template "what" .}} is {{.DaysOverdue}} days overdue with {{.Balance}} {{.Currency}} outstanding.`,
		Subject: `Overdue invoice {{.Number}}: {{.Balance}} {{.Currency}}, {{.DaysOverdue}} days past due`,
		Text: `Hello {{.Customer}},

Despite our earlier reminders, {{template "what" .}} for {{.Balance}} {{.Currency}}, due on {{.DueDate}}, remains unpaid {{.DaysOverdue}} days later. We are copying in the contacts you gave us for escalation so that this gets the attention it needs.

Please arrange payment now, or contact us this week to agree a payment plan. {{template "pay" .}}

{{template "signature" .}}`,
	},
	TemplateFormal: {
		Comment: `Formal notice sent to {{.Customer}}: {{template "what" .}} is {{.DaysOverdue}} days overdue. Outstanding {{.Balance}} {{.Currency}}{{if .HasLateFee}}, including a late fee of {{.LateFee}} {{.Currency}}{{end}}.`,
		Subject: `Formal notice: invoice {{.Number}} is {{.DaysOverdue}} days overdue`,
		Text: `Dear {{.Customer}},

This is a formal notice that {{template "what" .}}, due on {{.DueDate}}, is {{.DaysOverdue}} days overdue. {{if .HasLateFee}}Under our payment terms, a late fee of {{.LateFee}} {{.Currency}} (interest and fixed compensation) has been added. {{end}}The amount now outstanding is {{.Balance}} {{.Currency}}.

Please pay the full amount within fourteen days. If we do not receive payment or a proposal to settle, we will pause further work for you and may refer the debt for collection. {{template "pay" .}}

{{template "signature" .}}`,
	},
	TemplateStopWork: {
		Comment: `Work paused for {{.Customer}}: {{template "what" .}} is {{.DaysOverdue}} days overdue with {{.Balance}} {{.Currency}} outstanding. Their open issues are labelled until the balance is settled.`,
		Subject: `Work on hold: invoice {{.Number}} is {{.DaysOverdue}} days overdue`,
		Text: `Dear {{.Customer}},

As {{template "what" .}} remains unpaid {{.DaysOverdue}} days after its due date of {{.DueDate}}, we have put further work for you on hold. Work resumes as soon as the outstanding {{.Balance}} {{.Currency}} is paid or a payment plan is agreed. {{template "pay" .}}

{{template "signature" .}}`,
	},
	TemplatePromiseBroken: {
		Comment: `Promise not kept: {{.Customer}} promised to pay {{template "what" .}} by {{.PromisedOn}}; {{.Balance}} {{.Currency}} is still outstanding. A reminder of the promise was sent and the follow-ups continue.`,
		Subject: `Your promise to pay invoice {{.Number}} by {{.PromisedOn}}`,
		Text: `Hello {{.Customer}},

You told us you would pay {{template "what" .}} by {{.PromisedOn}}, and we thank you for letting us know. We have not received the payment yet: {{.Balance}} {{.Currency}} is still outstanding. Could you check that it is on its way? {{template "pay" .}}

If something has changed, reply to this e-mail or use the invoice's page to tell us, and we will find a way together.

{{template "signature" .}}`,
	},
	TemplateCollections: {
		Comment: `Handed off to collections: {{template "what" .}} for {{.Customer}} is {{.DaysOverdue}} days overdue with {{.Balance}} {{.Currency}} outstanding. Site admins have been notified.`,
		Subject: `Final notice before collection: invoice {{.Number}}`,
		Text: `Dear {{.Customer}},

Payment of {{template "what" .}} is {{.DaysOverdue}} days overdue and {{.Balance}} {{.Currency}} remains outstanding despite our notices. The debt is being referred for collection. To stop this, pay the full amount now or contact us immediately. {{template "pay" .}}

{{template "signature" .}}`,
	},
}
