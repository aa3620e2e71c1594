package store

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/remitapp/remit/internal/remit"
)

// Page limits for the paginated lists.
const (
	defaultPageLimit = 50
	maxPageLimit     = 200
)

// Page asks for one page of a list: at most Limit items (0 means 50, more
// than 200 means 200) after Cursor, the opaque nextCursor of the previous
// page ("" for the first page). Cursors are keyset positions, so pages
// neither repeat nor skip rows when others are inserted meanwhile.
type Page struct {
	Limit  int
	Cursor string
}

// cursorPrefix versions the cursor format so a future change can refuse
// old cursors cleanly.
const cursorPrefix = "v1:"

// limit is the page size to query.
func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return defaultPageLimit
	case p.Limit > maxPageLimit:
		return maxPageLimit
	}
	return p.Limit
}

// afterID decodes the cursor into the last id of the previous page; 0 and
// ok=false for the first page. A cursor this package did not make is
// remit.Invalid.
func (p Page) afterID(op string) (id int64, ok bool, err error) {
	if p.Cursor == "" {
		return 0, false, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err == nil {
		s, found := strings.CutPrefix(string(raw), cursorPrefix)
		if found {
			id, err = strconv.ParseInt(s, 10, 64)
			if err == nil && id > 0 {
				return id, true, nil
			}
		}
	}
	return 0, false, remit.FieldErrors(remit.Invalid, op, "malformed cursor",
		map[string]string{"cursor": "is not a cursor from a previous page"})
}

// encodeCursor makes the opaque cursor that resumes after id.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(id, 10)))
}

// pageOf trims a result fetched with limit+1 rows to limit and returns
// the cursor of the next page, "" when there is none.
func pageOf[T any](items []T, limit int, idOf func(T) int64) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, encodeCursor(idOf(items[limit-1]))
}
