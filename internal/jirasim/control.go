package jirasim

import (
	"net/http"
)

// controlRoutes registers the unauthenticated /_sim/ control API used by
// tests, benchmarks and the demo; each route mirrors a Go method.
func (s *Sim) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_sim/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sim/flush", func(w http.ResponseWriter, r *http.Request) {
		if err := s.Flush(r.Context()); err != nil {
			writeError(w, http.StatusGatewayTimeout, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sim/sites", func(w http.ResponseWriter, r *http.Request) {
		var out []any
		for _, n := range s.SiteNames() {
			st, _ := s.Site(n)
			out = append(out, siteInfo(st))
		}
		writeJSON(w, http.StatusOK, orEmpty(out))
	})
	mux.HandleFunc("POST /_sim/sites", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Name string `json:"name"`
		}
		if decodeJSON(r, &req) != nil || req.Name == "" {
			writeError(w, http.StatusBadRequest, "body must be {\"name\": \"<site>\"}")
			return
		}
		writeJSON(w, http.StatusCreated, siteInfo(s.AddSite(req.Name)))
	})
	mux.HandleFunc("GET /_sim/install-key", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"kid": s.kid, "url": s.URL() + "/connect-install-keys"})
	})
	s.faultControlRoutes(mux)
	s.siteControlRoutes(mux)
	s.readbackRoutes(mux)
}

func siteInfo(st *Site) map[string]string {
	return map[string]string{"name": st.name, "baseUrl": st.BaseURL(), "cloudId": st.cloudID}
}

// siteHandler resolves {site} for control routes.
func (s *Sim) siteHandler(h func(w http.ResponseWriter, r *http.Request, st *Site)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st, ok := s.Site(r.PathValue("site"))
		if !ok {
			writeError(w, http.StatusNotFound, "no site "+r.PathValue("site"))
			return
		}
		h(w, r, st)
	}
}

// decodeOr400 decodes a control body, answering 400 when it does not parse.
func decodeOr400(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decodeJSON(r, v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return false
	}
	return true
}

// respond answers 400 with err, or status with v.
func respond(w http.ResponseWriter, err error, status int, v any) {
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if v == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, v)
}

func (s *Sim) faultControlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("POST /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		var f FaultRule
		if decodeOr400(w, r, &f) {
			writeJSON(w, http.StatusCreated, map[string]string{"id": s.AddFault(f)})
		}
	})
	mux.HandleFunc("DELETE /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sim/webhook-faults", func(w http.ResponseWriter, r *http.Request) {
		var f WebhookFault
		if decodeOr400(w, r, &f) {
			writeJSON(w, http.StatusCreated, map[string]string{"id": s.AddWebhookFault(f)})
		}
	})
	mux.HandleFunc("DELETE /_sim/webhook-faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearWebhookFaults()
		w.WriteHeader(http.StatusNoContent)
	})
}
