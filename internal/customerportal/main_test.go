package customerportal_test

import (
	"testing"

	"github.com/remitapp/remit/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
