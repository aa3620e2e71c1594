package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/invoice"
)

type settingsJSON struct {
	invoice.Settings
	Configured bool `json:"configured"`
}

func (s *Server) getSettings(c echo.Context) error {
	set, ok, err := s.deps.Setup.Settings(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settingsJSON{set, ok})
}

// settingsIn is what PUT takes: the settings shape, whose configured
// flag is read-only and ignored. Unknown fields are refused.
type settingsIn struct {
	invoice.Settings
}

// UnmarshalJSON drops the read-only configured flag and decodes the rest
// strictly, so that a problem names the field as the client wrote it.
func (in *settingsIn) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	delete(raw, "configured")
	rest, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	return dec.Decode(&in.Settings)
}

// putSettings takes the whole settings object; omitted fields take
// defaults, unknown ones are refused.
func (s *Server) putSettings(c echo.Context) error {
	var in settingsIn
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	set, err := s.deps.Setup.PutSettings(c.Request().Context(), actor(c), in.Settings)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settingsJSON{set, true})
}

// getSettingsChoices lists what the settings form offers: the statuses of
// the project named by ?project= (the saved billing project by default),
// the currencies and the time zones.
func (s *Server) getSettingsChoices(c echo.Context) error {
	ch, err := s.deps.Setup.SettingsChoices(c.Request().Context(), actor(c), c.QueryParam("project"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}
