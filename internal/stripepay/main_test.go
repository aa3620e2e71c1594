package stripepay_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/remitapp/remit/internal/pgtest"
	"github.com/remitapp/remit/internal/stripetest"
)

// mockServer is the package's one stripe-mock; each test records its
// requests through a Mock of its own.
var mockServer *stripetest.Server

func TestMain(m *testing.M) {
	srv, err := stripetest.StartServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mockServer = srv
	code := pgtest.Run(m)
	srv.Stop()
	os.Exit(code)
}
