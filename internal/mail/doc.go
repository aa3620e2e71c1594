// Package mail is the e-mail channel of the follow-up engine: a Sender
// over SMTP (REMIT_SMTP_URL, REMIT_MAIL_FROM) that sends one message with
// text, HTML and attachments per call and says whether a failure is worth
// retrying. The follow-up job retries temporary failures with backoff and
// records permanent ones as failed.
package mail
