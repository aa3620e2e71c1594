package jirasim

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
)

const (
	maxPropertyKey   = 255
	maxPropertyValue = 32768
)

// validProperty applies Jira's entity property rules: a key of 1 to 255
// characters and a non-empty valid JSON value of at most 32768 characters.
func validProperty(key string, value json.RawMessage) string {
	switch {
	case key == "" || len(key) > maxPropertyKey:
		return "The property key must be between 1 and 255 characters long."
	case len(value) == 0 || !json.Valid(value):
		return "The property value must be a non-empty valid JSON."
	case len([]rune(string(value))) > maxPropertyValue:
		return "The property value cannot be longer than 32768 characters."
	}
	return ""
}

func (s *Sim) setProperty(w http.ResponseWriter, r *http.Request, c *call) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeBadJSON(w)
		return
	}
	key := r.PathValue("prop")
	if msg := validProperty(key, raw); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	c.withIssue(w, r, func(_ *Site, is *issue) {
		_, existed := is.properties[key]
		is.properties[key] = json.RawMessage(raw)
		if existed {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
}

func (s *Sim) getProperty(w http.ResponseWriter, r *http.Request, c *call) {
	c.withIssue(w, r, func(_ *Site, is *issue) {
		key := r.PathValue("prop")
		v, ok := is.properties[key]
		if !ok {
			writeError(w, http.StatusNotFound, "The property with key '"+key+"' does not exist.")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"key": key, "value": v})
	})
}

func (s *Sim) deleteProperty(w http.ResponseWriter, r *http.Request, c *call) {
	c.withIssue(w, r, func(_ *Site, is *issue) {
		key := r.PathValue("prop")
		if _, ok := is.properties[key]; !ok {
			writeError(w, http.StatusNotFound, "The property with key '"+key+"' does not exist.")
			return
		}
		delete(is.properties, key)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Sim) listProperties(w http.ResponseWriter, r *http.Request, c *call) {
	c.withIssue(w, r, func(st *Site, is *issue) {
		keys := make([]string, 0, len(is.properties))
		for k := range is.properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, 0, len(keys))
		for _, k := range keys {
			out = append(out, map[string]string{"key": k, "self": st.apiBase(c.v2) + "/issue/" + itoa(is.id) + "/properties/" + k})
		}
		writeJSON(w, http.StatusOK, map[string]any{"keys": out})
	})
}

// Properties returns an issue's entity properties.
func (st *Site) Properties(key string) map[string]json.RawMessage {
	st.mu.Lock()
	defer st.mu.Unlock()
	is := st.issueLocked(key)
	if is == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(is.properties))
	for k, v := range is.properties {
		out[k] = v
	}
	return out
}
