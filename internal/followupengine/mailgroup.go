package followupengine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/mail"
	"github.com/remitapp/remit/internal/store"
)

// One e-mail per customer per run (SPEC §5). The sweep puts the e-mail
// events it queues for one customer in one group (store.MailGroup, one
// per customer and sweep instant) and closes the groups when it has gone
// through every due invoice. Each event keeps its own action job; the
// first job of a group to run sends the group's one message and records
// every member's step done on its own invoice, in one transaction; the
// other jobs then find their event done. The members are fixed before the
// first send, so a retry after a crash or a lost SMTP reply sends the
// same message, with the same Message-ID, and records the same events.

// mailGroupWait is how long a group's e-mails wait for the sweep that
// fills it to close it: a sweep that died leaves its groups open (the
// tenant's next sweep closes them too).
const mailGroupWait = 10 * time.Minute

// mailGroupPoll is how long an e-mail waits while its group fills or
// another attempt sends it (a snooze costs no attempt).
const mailGroupPoll = 5 * time.Second

// groupEmail sends the e-mail of ac's group, or ac's e-mail alone when
// the group's message went out without it.
func (e *Engine) groupEmail(ctx context.Context, ac action) (outcome, error) {
	ck := ac.args.ClientKey
	g, err := e.DB.GetMailGroup(ctx, ck, ac.event.MailGroup)
	if err != nil {
		return outcome{}, err
	}
	if g.Sent != nil || (len(g.Members) > 0 && !slices.Contains(g.Members, ac.event.ID)) {
		if carriedBy(ac.event, g.ID) {
			// An earlier send of the group's message carried it (its reply
			// was lost, or the process died) before it was held back and
			// left out of the send that was recorded: sending it on its
			// own would send it twice.
			return done("sent to %s in the customer's one e-mail of the run, by an attempt whose answer was lost", ac.customer.BillingEmail), nil
		}
		// The group's message went without this e-mail (it was held back
		// then: a dispute, its late fee); it goes on its own.
		return e.emailAlone(ctx, ac)
	}
	if g.Closed == nil && e.now().Sub(g.CreatedAt) < mailGroupWait {
		return outcome{}, river.JobSnooze(mailGroupPoll)
	}
	members := g.Members
	if len(members) == 0 {
		if members, err = e.groupCandidates(ctx, ac, g.ID); err != nil {
			return outcome{}, err
		}
	}
	g, ok, err := e.DB.ClaimMailGroup(ctx, ck, g.ID, members, e.now().Add(actionTimeout))
	if err != nil {
		return outcome{}, err
	}
	if !ok {
		return outcome{}, river.JobSnooze(mailGroupPoll) // sent, or being sent by another attempt: look again
	}
	res, err := e.sendGroup(ctx, ac, g)
	if err != nil {
		// Let the next attempt, this job's or a sibling's, send at once.
		if rerr := e.DB.ReleaseMailGroup(context.WithoutCancel(ctx), ck, g.ID); rerr != nil {
			return outcome{}, rerr
		}
	}
	return res, err
}

// groupCandidates are the group's queued e-mails whose invoices still
// call for them; those that wait or were settled are left to their own
// jobs. ac's own event is always one.
func (e *Engine) groupCandidates(ctx context.Context, ac action, groupID int64) ([]int64, error) {
	evs, err := e.DB.QueuedMail(ctx, ac.args.ClientKey, groupID)
	if err != nil {
		return nil, err
	}
	ids := []int64{ac.event.ID}
	for _, ev := range evs {
		if ev.ID == ac.event.ID {
			continue
		}
		_, stop, err := e.loadAction(ctx, argsOf(ac.args.ClientKey, ev))
		if err != nil {
			return nil, err
		}
		if stop == nil {
			ids = append(ids, ev.ID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func argsOf(clientKey string, ev store.FollowupEvent) ActionArgs {
	return ActionArgs{ClientKey: clientKey, InvoiceID: ev.InvoiceID, Installment: ev.Installment, Step: ev.Step,
		Action: ev.Action, EventID: ev.ID, AsOf: ev.AsOf}
}

// sendGroup sends the claimed group's message and records each member's
// step done on its invoice. Members no longer queued (their own job
// cancelled them since) are left out of the message.
func (e *Engine) sendGroup(ctx context.Context, ac action, g store.MailGroup) (outcome, error) {
	ck := ac.args.ClientKey
	if !slices.Contains(g.Members, ac.event.ID) {
		return outcome{}, river.JobSnooze(mailGroupPoll) // fixed without this e-mail by another attempt meanwhile
	}
	evs, err := e.DB.FollowupEventsByID(ctx, ck, g.Members)
	if err != nil {
		return outcome{}, err
	}
	var acs []action
	var parts []mailPart
	for _, ev := range evs {
		if ev.Status != store.EventQueued {
			continue
		}
		mac := ac
		if ev.ID != ac.event.ID {
			var stop *outcome
			if mac, stop, err = e.loadAction(ctx, argsOf(ck, ev)); err != nil {
				return outcome{}, err
			}
			if stop != nil {
				continue
			}
			mac.event = ev
		}
		p, err := e.mailPart(ctx, mac)
		if err != nil {
			return outcome{}, err
		}
		acs, parts = append(acs, mac), append(parts, p)
	}
	m := e.groupMessage(ac, g, acs, parts)
	// Mark each member carried before sending: if this send reaches the
	// server but its answer is lost, and a member is then held back and
	// left out of the send that gets recorded, the mark keeps it from
	// going out a second time on its own. A send the server refused
	// (a reply with a code: nothing stored) takes the marks back.
	carried := make([]int64, 0, len(acs))
	for _, mac := range acs {
		carried = append(carried, mac.event.ID)
	}
	mark, _ := json.Marshal(carriedMark{Group: g.ID})
	if err := e.DB.MarkFollowupPayloads(ctx, ck, carried, mark); err != nil {
		return outcome{}, err
	}
	if err := e.send(ctx, ac, m); err != nil {
		var me *mail.Error
		if errors.As(err, &me) && me.Code >= 400 {
			if rerr := e.DB.MarkFollowupPayloads(context.WithoutCancel(ctx), ck, carried, nil); rerr != nil {
				return outcome{}, rerr
			}
		}
		return outcome{}, err
	}
	detail := "sent to " + ac.customer.BillingEmail
	if len(m.CC) > 0 {
		detail += ", cc " + strings.Join(m.CC, ", ")
	}
	var finished []action
	err = e.DB.InTx(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		finished = finished[:0]
		for i, mac := range acs {
			d := detail
			if len(acs) > 1 {
				d += " in one e-mail with " + others(parts, i)
			}
			ok, err := e.DB.FinishFollowupEvent(ctx, tx, ck, mac.event.ID, store.EventDone, d)
			if err != nil {
				return err
			}
			if ok {
				finished = append(finished, mac)
			}
		}
		_, err := e.DB.MarkMailGroupSent(ctx, tx, ck, g.ID)
		return err
	})
	if err != nil {
		return outcome{}, err
	}
	for _, mac := range finished {
		e.Metrics.count(mac.args.Step, mac.args.Action, store.EventDone)
	}
	return outcome{}, nil // recorded above, with the other members
}

// groupMessage is the group's one e-mail: the member's own e-mail, with
// its own Message-ID, when the group has one member; otherwise
// followup.Digest of the members it carries (or the one member's own
// e-mail, when the others were left out), every copied address once,
// every invoice PDF, and the group's Message-ID, which covers the
// members' own. A group's Message-ID never changes between attempts,
// whatever members a retry leaves out.
func (e *Engine) groupMessage(ac action, g store.MailGroup, acs []action, parts []mailPart) mail.Message {
	if len(g.Members) == 1 && len(parts) == 1 {
		m := parts[0].message(acs[0])
		m.ID = e.messageID(acs[0].args, "email")
		return m
	}
	if len(parts) == 1 {
		m := parts[0].message(acs[0])
		m.ID, m.Covers = e.groupMessageID(ac.args.ClientKey, g), []string{e.messageID(acs[0].args, "email")}
		return m
	}
	digest := make([]followup.DigestPart, len(parts))
	var cc []string
	var pdfs []mail.Attachment
	var covers []string
	for i, p := range parts {
		digest[i] = p.digest
		for _, a := range p.cc {
			if !slices.Contains(cc, a) {
				cc = append(cc, a)
			}
		}
		pdfs = append(pdfs, p.pdf)
		covers = append(covers, e.messageID(acs[i].args, "email"))
	}
	d := followup.Digest(digest)
	return mail.Message{
		FromName: ac.set.Seller.Name, ReplyTo: ac.set.Seller.Email,
		To: []string{ac.customer.BillingEmail}, CC: cc, Subject: d.Subject, Text: d.Text, HTML: d.HTML,
		Attachments: pdfs, ID: e.groupMessageID(ac.args.ClientKey, g), Covers: covers,
	}
}

// carriedMark is the payload of an e-mail event a send of its group's
// message carried.
type carriedMark struct {
	Group int64 `json:"carriedByGroup"`
}

// carriedBy says whether a send of group's message carried ev.
func carriedBy(ev store.FollowupEvent, group int64) bool {
	var m carriedMark
	return ev.Payload != nil && json.Unmarshal(ev.Payload, &m) == nil && m.Group == group
}

// groupMessageID is the Message-ID of a group's e-mail.
func (e *Engine) groupMessageID(clientKey string, g store.MailGroup) string {
	sum := sha256.Sum256([]byte(clientKey))
	domain := e.MailDomain
	if domain == "" {
		domain = "remit.invalid"
	}
	return fmt.Sprintf("followup.%s.customer%d.run%d.email@%s", hex.EncodeToString(sum[:6]), g.CustomerID, g.ID, domain)
}

// others names the invoices of the parts other than the i-th.
func others(parts []mailPart, i int) string {
	var ns []string
	for j, p := range parts {
		if j != i && !slices.Contains(ns, p.digest.Number) {
			ns = append(ns, p.digest.Number)
		}
	}
	return strings.Join(ns, ", ")
}
