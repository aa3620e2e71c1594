package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/invoice"
)

type settingsJSON struct {
	invoice.Settings
	Configured bool `json:"configured"`
}

func (s *Server) getSettings(c echo.Context) error {
	set, ok, err := s.deps.Billing.Settings(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settingsJSON{set, ok})
}

// settingsIn is what PUT takes: the settings shape, whose configured
// flag is read-only.
type settingsIn struct {
	invoice.Settings
	Configured *bool `json:"configured"`
}

// putSettings takes the whole settings object; omitted fields take
// defaults, unknown ones are refused.
func (s *Server) putSettings(c echo.Context) error {
	var in settingsIn
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	set, err := s.deps.Billing.PutSettings(c.Request().Context(), actor(c), in.Settings)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settingsJSON{set, true})
}
