package jirasim

import (
	"net/http"
	"strings"
)

// licenceState is an app's licence on a site as Connect's app licence
// API reports it.
type licenceState struct {
	set    bool // false: the answer carries no license (a free listing)
	active bool
}

// SetLicence makes the app licence API report appKey's licence on the
// site as active or not; ClearLicence makes it report none.
func (st *Site) SetLicence(appKey string, active bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.licences == nil {
		st.licences = map[string]licenceState{}
	}
	st.licences[appKey] = licenceState{set: true, active: active}
}

// ClearLicence makes the app licence API report no licence for appKey.
func (st *Site) ClearLicence(appKey string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.licences, appKey)
}

// appLicence is GET /rest/atlassian-connect/1/addons/{appKey}, Connect's
// app licence API: the app's key, version, state and host, and, for a
// paid listing, its license. An app may read only its own entry.
func (s *Sim) appLicence(w http.ResponseWriter, r *http.Request) {
	st, ok := s.Site(r.PathValue("site"))
	if !ok {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	inst, err := st.authenticate(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	key := r.PathValue("appKey")
	if key != inst.AppKey {
		writeError(w, http.StatusNotFound, "Add-on with key '"+key+"' not found.")
		return
	}
	st.mu.Lock()
	lic := st.licences[key]
	st.mu.Unlock()
	out := map[string]any{"key": key, "version": "1.0.0", "state": "ENABLED",
		"host": map[string]any{"product": "Jira", "contacts": []any{}}}
	if lic.set {
		out["license"] = map[string]any{"active": lic.active, "type": "COMMERCIAL", "evaluation": false,
			"supportEntitlementNumber": "SEN-" + strings.ToUpper(st.name)}
	}
	writeJSON(w, http.StatusOK, out)
}
