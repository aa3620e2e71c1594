package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/remitapp/remit/internal/remit"
)

// Exporter gives an admin all of a tenant's data (privacy.Service.Export).
type Exporter func(ctx context.Context, t remit.Tenant, accountID string) (map[string]json.RawMessage, error)

// export answers GET /api/v1/export: every row Remit holds for the
// tenant, table by table, as one JSON document to download.
func (s *Server) export(c echo.Context) error {
	if s.deps.Export == nil {
		return remit.Errorf(remit.NotFound, "export", "export is not available")
	}
	a := actor(c)
	doc, err := s.deps.Export(c.Request().Context(), a.Tenant, a.AccountID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="remit-export.json"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"exportedAt": s.deps.Now().UTC(), "tables": doc})
}
