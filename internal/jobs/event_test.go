package jobs_test

import (
	"encoding/json"
	"testing"

	"github.com/remitapp/remit/internal/jobs"
)

func TestEventName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    jobs.WebhookArgs
		want    string
		wantErr bool
	}{
		{"explicit event wins", jobs.WebhookArgs{Event: "a", Payload: json.RawMessage(`{"webhookEvent":"b"}`)}, "a", false},
		{"from payload", jobs.WebhookArgs{Payload: json.RawMessage(`{"webhookEvent":"jira:issue_deleted"}`)}, "jira:issue_deleted", false},
		{"payload without event", jobs.WebhookArgs{Payload: json.RawMessage(`{"issue":{}}`)}, "", false},
		{"no payload", jobs.WebhookArgs{}, "", false},
		{"payload not an object", jobs.WebhookArgs{Payload: json.RawMessage(`[1]`)}, "", true},
		{"payload not JSON", jobs.WebhookArgs{Payload: json.RawMessage(`{`)}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jobs.EventName(tt.args)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("eventName = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
