package followupengine_test

import (
	"testing"
	"time"

	"github.com/remitapp/remit/internal/followupengine"
)

func TestLatestInstant(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name       string
		spec       string
		loc        *time.Location
		last, now  string
		want       string // "" = none due
		wantErrStr bool
	}{
		{"none due yet", "0 9 * * 1-5", time.UTC, "2027-02-01T09:00:00Z", "2027-02-01T12:00:00Z", "", false},
		{"the next one came", "0 9 * * 1-5", time.UTC, "2027-02-01T09:00:00Z", "2027-02-02T09:00:00Z", "2027-02-02T09:00:00Z", false},
		{"only the latest of several", "0 9 * * 1-5", time.UTC, "2027-02-01T08:00:00Z", "2027-02-03T10:30:00Z", "2027-02-03T09:00:00Z", false},
		{"weekends skipped", "0 9 * * 1-5", time.UTC, "2027-02-05T09:00:00Z", "2027-02-07T23:00:00Z", "", false},
		{"in the tenant's zone", "0 9 * * 1-5", ny, "2027-02-01T15:00:00Z", "2027-02-02T14:30:00Z", "2027-02-02T14:00:00Z", false},
		{"across the clock change", "0 9 * * *", ny, "2027-03-13T14:00:00Z", "2027-03-14T13:30:00Z", "2027-03-14T13:00:00Z", false},
		{"a long outage looks back a bounded window", "0 9 1 * *", time.UTC, "2026-01-01T09:00:00Z", "2027-02-20T10:00:00Z", "", false},
		{"bad expression", "every day", time.UTC, "2027-02-01T09:00:00Z", "2027-02-02T09:00:00Z", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := followupengine.LatestInstant(c.spec, c.loc, utc(c.last), utc(c.now))
			if (err != nil) != c.wantErrStr {
				t.Fatalf("err = %v", err)
			}
			if c.want == "" {
				if ok {
					t.Fatalf("got %v, want none", got)
				}
				return
			}
			if !ok || !got.Equal(utc(c.want)) {
				t.Fatalf("got %v (%v), want %s", got, ok, c.want)
			}
		})
	}
}
