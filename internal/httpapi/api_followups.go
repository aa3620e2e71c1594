package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/followup"
	"github.com/remitapp/remit/internal/followupengine"
	"github.com/remitapp/remit/internal/remit"
)

// followups is the engine behind the follow-up routes; without one they
// answer 404.
func (s *Server) followups() (*followupengine.Engine, error) {
	if s.deps.Followups == nil {
		return nil, remit.Errorf(remit.NotFound, "api", "the follow-up engine is not running")
	}
	return s.deps.Followups, nil
}

type policyJSON struct {
	followup.Policy
	Saved bool `json:"saved"`
}

func (s *Server) getPolicy(c echo.Context) error {
	f, err := s.followups()
	if err != nil {
		return err
	}
	p, saved, err := f.Policy(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, policyJSON{p, saved})
}

// putPolicy takes the whole policy; a policy that does not validate is a
// 422 naming each bad field, and nothing is saved.
func (s *Server) putPolicy(c echo.Context) error {
	f, err := s.followups()
	if err != nil {
		return err
	}
	var in followup.Policy
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := f.PutPolicy(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, policyJSON{p, true})
}

type runIn struct {
	AsOf string `json:"asOf"`
}

type runJSON struct {
	AsOf    string                   `json:"asOf"`
	Paused  string                   `json:"paused,omitempty"`
	Actions []followupengine.Outcome `json:"actions"`
}

// runFollowups sweeps the tenant at asOf (default now) and answers with
// every action decided, once each has been attempted.
func (s *Server) runFollowups(c echo.Context) error {
	f, err := s.followups()
	if err != nil {
		return err
	}
	var in runIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	asOf := s.deps.Now()
	if strings.TrimSpace(in.AsOf) != "" {
		if asOf, err = time.Parse(time.RFC3339, in.AsOf); err != nil {
			return fieldset{"asOf": "must be an RFC 3339 instant such as 2026-11-05T09:00:00Z"}.err()
		}
	}
	res, err := f.Run(c.Request().Context(), actor(c), asOf)
	if err != nil {
		return err
	}
	out := runJSON{AsOf: res.AsOf.UTC().Format(time.RFC3339), Paused: res.Paused, Actions: res.Outcomes}
	if out.Actions == nil {
		out.Actions = []followupengine.Outcome{}
	}
	return c.JSON(http.StatusOK, out)
}

type timelineEventJSON struct {
	Step        string `json:"step"`
	Installment int64  `json:"installment"`
	Action      string `json:"action"`
	Status      string `json:"status"`
	At          string `json:"at"`
	Detail      string `json:"detail"`
}

type timelineNextJSON struct {
	Step        string `json:"step"`
	Installment int64  `json:"installment"`
	DueAt       string `json:"dueAt"`
}

type timelineJSON struct {
	Events []timelineEventJSON `json:"events"`
	Next   *timelineNextJSON   `json:"next"`
}

func (s *Server) invoiceTimeline(c echo.Context) error {
	f, err := s.followups()
	if err != nil {
		return err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	tl, err := f.Timeline(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	out := timelineJSON{Events: make([]timelineEventJSON, len(tl.Events))}
	for i, ev := range tl.Events {
		out.Events[i] = timelineEventJSON{Step: ev.Step, Installment: ev.Installment, Action: ev.Action, Status: ev.Status,
			At: ev.At.UTC().Format(time.RFC3339), Detail: ev.Detail}
	}
	if tl.Next != nil {
		out.Next = &timelineNextJSON{Step: tl.Next.Step, Installment: tl.Next.Installment, DueAt: tl.Next.DueAt.UTC().Format(time.RFC3339)}
	}
	return c.JSON(http.StatusOK, out)
}
