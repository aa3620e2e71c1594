package jirasim

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// jiraTimeLayout is how Jira writes instants: 2021-01-17T12:34:00.000+0000.
const jiraTimeLayout = "2006-01-02T15:04:05.000-0700"

func formatTime(t time.Time) string { return t.UTC().Format(jiraTimeLayout) }

// parseJiraTime accepts Jira's layout and RFC 3339, as Jira does.
func parseJiraTime(s string) (time.Time, error) {
	for _, layout := range []string{jiraTimeLayout, "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q", s)
}

// Jira's default time tracking: 8-hour days, 5-day weeks.
const (
	secondsPerDay  = 8 * 3600
	secondsPerWeek = 5 * secondsPerDay
)

// formatDuration renders seconds as Jira's timeSpent ("3h 20m", "1d 2h").
func formatDuration(secs int64) string {
	if secs <= 0 {
		return "0m"
	}
	var parts []string
	for _, u := range []struct {
		n    int64
		unit string
	}{{secondsPerWeek, "w"}, {secondsPerDay, "d"}, {3600, "h"}, {60, "m"}} {
		if secs >= u.n {
			parts = append(parts, fmt.Sprintf("%d%s", secs/u.n, u.unit))
			secs %= u.n
		}
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}

var durationPart = regexp.MustCompile(`^(\d+(?:\.\d+)?)([wdhm])$`)

// parseDuration reads a timeSpent string such as "1d 2h 30m" or "1.5h".
func parseDuration(s string) (int64, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return 0, fmt.Errorf("empty duration")
	}
	var total float64
	for _, f := range fields {
		m := durationPart.FindStringSubmatch(strings.ToLower(f))
		if m == nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		n, _ := strconv.ParseFloat(m[1], 64)
		unit := map[string]float64{"w": secondsPerWeek, "d": secondsPerDay, "h": 3600, "m": 60}[m[2]]
		total += n * unit
	}
	return int64(math.Round(total)), nil
}
