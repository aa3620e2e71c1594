package jirasim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// maxBody bounds request bodies, like Jira's own limit, so a runaway test
// cannot exhaust memory.
const maxBody = 10 << 20

// errorCollection is Jira's ErrorCollection, the body of every 4xx/5xx.
type errorCollection struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with Jira's error shape and the given messages.
func writeError(w http.ResponseWriter, status int, msgs ...string) {
	if msgs == nil {
		msgs = []string{}
	}
	writeJSON(w, status, errorCollection{ErrorMessages: msgs, Errors: map[string]string{}})
}

// writeFieldErrors answers 400 with per-field messages, as Jira does for
// create and edit validation failures.
func writeFieldErrors(w http.ResponseWriter, fields map[string]string) {
	writeJSON(w, http.StatusBadRequest, errorCollection{ErrorMessages: []string{}, Errors: fields})
}

// errBadJSON is returned by decodeJSON for bodies Jira would reject.
var errBadJSON = errors.New("invalid JSON body")

func decodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return errBadJSON
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errBadJSON
	}
	return nil
}

// writeBadJSON is Jira's answer to a body that does not parse.
func writeBadJSON(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, "Unexpected character in request body: the request body is not valid JSON.")
}

const msgIssueNotFound = "Issue does not exist or you do not have permission to see it."
