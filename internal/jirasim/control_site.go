package jirasim

import (
	"net/http"
)

// siteControlRoutes are the control routes that change a site.
func (s *Sim) siteControlRoutes(mux *http.ServeMux) {
	h := func(pattern string, fn func(w http.ResponseWriter, r *http.Request, st *Site)) {
		mux.HandleFunc(pattern, s.siteHandler(fn))
	}
	h("POST /_sim/sites/{site}/projects", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var spec ProjectSpec
		if decodeOr400(w, r, &spec) {
			p, err := st.AddProject(spec)
			respond(w, err, http.StatusCreated, p)
		}
	})
	h("PUT /_sim/sites/{site}/licences/{appKey}", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var req struct {
			Active *bool `json:"active"` // null: the app licence API states no licence
		}
		if decodeOr400(w, r, &req) {
			if req.Active == nil {
				st.ClearLicence(r.PathValue("appKey"))
			} else {
				st.SetLicence(r.PathValue("appKey"), *req.Active)
			}
			w.WriteHeader(http.StatusNoContent)
		}
	})
	h("POST /_sim/sites/{site}/users", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var u User
		if decodeOr400(w, r, &u) {
			st.AddUser(u)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	h("POST /_sim/sites/{site}/issues", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var spec IssueSpec
		if decodeOr400(w, r, &spec) {
			key, err := st.CreateIssue(spec)
			respond(w, err, http.StatusCreated, map[string]string{"key": key})
		}
	})
	h("POST /_sim/sites/{site}/issues/{key}/transition", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var req struct {
			Transition string `json:"transition"`
			Actor      string `json:"actor"`
		}
		if decodeOr400(w, r, &req) {
			respond(w, st.TransitionIssue(r.PathValue("key"), req.Transition, req.Actor), http.StatusNoContent, nil)
		}
	})
	h("DELETE /_sim/sites/{site}/issues/{key}", func(w http.ResponseWriter, r *http.Request, st *Site) {
		respond(w, st.DeleteIssue(r.PathValue("key"), r.URL.Query().Get("actor")), http.StatusNoContent, nil)
	})
	h("POST /_sim/sites/{site}/worklogs", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var spec WorklogSpec
		if decodeOr400(w, r, &spec) {
			id, err := st.AddWorklog(spec)
			respond(w, err, http.StatusCreated, map[string]string{"id": id})
		}
	})
	h("PUT /_sim/sites/{site}/worklogs/{id}", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var req struct {
			TimeSpentSeconds int64  `json:"timeSpentSeconds"`
			Actor            string `json:"actor"`
		}
		if decodeOr400(w, r, &req) {
			respond(w, st.EditWorklog(r.PathValue("id"), req.TimeSpentSeconds, req.Actor), http.StatusNoContent, nil)
		}
	})
	h("DELETE /_sim/sites/{site}/worklogs/{id}", func(w http.ResponseWriter, r *http.Request, st *Site) {
		respond(w, st.DeleteWorklog(r.PathValue("id")), http.StatusNoContent, nil)
	})
	h("POST /_sim/sites/{site}/seed", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var data SeedData
		if decodeOr400(w, r, &data) {
			res, err := st.Seed(data)
			respond(w, err, http.StatusCreated, res)
		}
	})
	h("PUT /_sim/sites/{site}/permissions", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var req struct {
			AccountID string              `json:"accountId"`
			Global    []string            `json:"global"`
			Projects  map[string][]string `json:"projects"`
		}
		if decodeOr400(w, r, &req) {
			respond(w, st.SetPermissions(req.AccountID, req.Global, req.Projects), http.StatusNoContent, nil)
		}
	})
	h("PUT /_sim/sites/{site}/ratelimit", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var req struct {
			Limit int `json:"limit"`
		}
		if decodeOr400(w, r, &req) {
			st.SetRateLimit(req.Limit)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	h("POST /_sim/sites/{site}/apps", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var req struct {
			BaseURL string `json:"baseUrl"`
		}
		if decodeOr400(w, r, &req) {
			inst, err := st.InstallApp(r.Context(), req.BaseURL)
			respond(w, err, http.StatusCreated, inst)
		}
	})
	h("POST /_sim/sites/{site}/apps/{key}/{action}", func(w http.ResponseWriter, r *http.Request, st *Site) {
		key := r.PathValue("key")
		var err error
		switch r.PathValue("action") {
		case "uninstall":
			err = st.UninstallApp(r.Context(), key)
		case "enable":
			err = st.SetAppEnabled(r.Context(), key, true)
		case "disable":
			err = st.SetAppEnabled(r.Context(), key, false)
		case "disable-unsigned":
			err = st.SendUnsignedDisabled(r.Context(), key)
		default:
			writeError(w, http.StatusNotFound, "actions: uninstall, enable, disable, disable-unsigned")
			return
		}
		respond(w, err, http.StatusNoContent, nil)
	})
	h("POST /_sim/sites/{site}/events", func(w http.ResponseWriter, r *http.Request, st *Site) {
		var req struct {
			Event string         `json:"event"`
			Body  map[string]any `json:"body"`
		}
		if decodeOr400(w, r, &req) {
			writeJSON(w, http.StatusAccepted, map[string]int{"deliveries": st.SendEvent(req.Event, req.Body)})
		}
	})
}

// readbackRoutes are the control routes that report what happened.
func (s *Sim) readbackRoutes(mux *http.ServeMux) {
	get := func(pattern string, fn func(r *http.Request, st *Site) any) {
		mux.HandleFunc("GET "+pattern, s.siteHandler(func(w http.ResponseWriter, r *http.Request, st *Site) {
			writeJSON(w, http.StatusOK, fn(r, st))
		}))
	}
	get("/_sim/sites/{site}/issues", func(r *http.Request, st *Site) any { return orEmptyOf(st.Issues()) })
	get("/_sim/sites/{site}/created", func(r *http.Request, st *Site) any { return orEmptyOf(st.CreatedIssues()) })
	get("/_sim/sites/{site}/projects", func(r *http.Request, st *Site) any { return orEmptyOf(st.Projects()) })
	get("/_sim/sites/{site}/comments", func(r *http.Request, st *Site) any {
		return orEmptyOf(st.Comments(r.URL.Query().Get("issue")))
	})
	get("/_sim/sites/{site}/transitions", func(r *http.Request, st *Site) any { return orEmptyOf(st.TransitionHistory()) })
	get("/_sim/sites/{site}/links", func(r *http.Request, st *Site) any { return orEmptyOf(st.Links()) })
	get("/_sim/sites/{site}/webhooks", func(r *http.Request, st *Site) any { return orEmptyOf(st.Webhooks()) })
	get("/_sim/sites/{site}/requests", func(r *http.Request, st *Site) any {
		return map[string]any{"requests": orEmptyOf(st.Requests()), "counts": st.RequestCounts()}
	})
	mux.HandleFunc("GET /_sim/sites/{site}/issues/{key}", s.siteHandler(func(w http.ResponseWriter, r *http.Request, st *Site) {
		v, ok := st.Issue(r.PathValue("key"))
		if !ok {
			writeError(w, http.StatusNotFound, msgIssueNotFound)
			return
		}
		writeJSON(w, http.StatusOK, v)
	}))
	mux.HandleFunc("DELETE /_sim/sites/{site}/requests", s.siteHandler(func(w http.ResponseWriter, r *http.Request, st *Site) {
		st.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	}))
}

func orEmptyOf[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
