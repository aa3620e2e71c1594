// Package smtptest runs a real SMTP server in the test process (go-smtp),
// records what it receives, parsed the way a mail client reads it, and
// injects the failures a follow-up must survive: temporary (421, 451) and
// permanent (550) replies and connections dropped mid-message.
package smtptest
