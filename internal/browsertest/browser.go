package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPaths are where Debian and other distributions put Chromium.
var chromiumPaths = []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}

// Browser is one headless Chromium with a fresh profile, and one tab.
type Browser struct {
	t   testing.TB
	Ctx context.Context
}

// NewBrowser starts Chromium for t and closes it when t ends. A missing
// browser fails the test: the suite must not pass without running.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	bin := os.Getenv("REMIT_CHROMIUM")
	if bin == "" {
		for _, p := range chromiumPaths {
			if _, err := os.Stat(p); err == nil {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		if p, err := exec.LookPath("chromium"); err == nil {
			bin = p
		}
	}
	if bin == "" {
		t.Fatal("browsertest: no Chromium found; run scripts/deps.sh (or set REMIT_CHROMIUM)")
	}
	profile, err := os.MkdirTemp("", "remit-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs after the browser is closed. Chromium's
	// helper processes may still be flushing the profile for a moment
	// after the browser exits, so removal retries briefly.
	t.Cleanup(func() {
		for i := 0; ; i++ {
			err := os.RemoveAll(profile)
			if err == nil || i == 40 {
				if err != nil {
					t.Logf("browsertest: profile left behind: %v", err)
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// This cdproto predates some enum values newer Chromium sends on
	// network events; those decode errors concern events the tests never
	// read, so they are not logged.
	quiet := func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			t.Logf("chromium: %s", msg)
		}
	}
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf), chromedp.WithErrorf(quiet))
	if err := chromedp.Run(ctx); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("browsertest: start %s: %v (run scripts/deps.sh)", bin, err)
	}
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	return &Browser{t: t, Ctx: ctx}
}

// Run runs chromedp actions with a deadline, failing the test on error.
func (b *Browser) Run(what string, actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		b.Screenshot("failed-" + what)
		b.t.Fatalf("%s: %v", what, err)
	}
}

// frameID finds the child frame whose URL contains part (Remit's iframe).
func (b *Browser) frameID(ctx context.Context, part string) (cdp.FrameID, error) {
	tree, err := page.GetFrameTree().Do(ctx)
	if err != nil {
		return "", err
	}
	var find func(t *page.FrameTree) cdp.FrameID
	find = func(t *page.FrameTree) cdp.FrameID {
		if t.Frame != nil && t.Frame.ParentID != "" && strings.Contains(t.Frame.URL, part) {
			return t.Frame.ID
		}
		for _, c := range t.ChildFrames {
			if id := find(c); id != "" {
				return id
			}
		}
		return ""
	}
	if id := find(tree); id != "" {
		return id, nil
	}
	return "", fmt.Errorf("no frame with %q in its URL", part)
}

// InFrame evaluates js inside the iframe whose URL contains part, in an
// isolated world (the page's DOM, not its scripts), and decodes the
// result into out. Promises are awaited.
func (b *Browser) InFrame(part, js string, out any) error {
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		id, err := b.frameID(ctx, part)
		if err != nil {
			return err
		}
		world, err := page.CreateIsolatedWorld(id).WithWorldName("remit-test").Do(ctx)
		if err != nil {
			return err
		}
		res, exc, err := runtime.Evaluate(js).WithContextID(world).WithAwaitPromise(true).WithReturnByValue(true).Do(ctx)
		if err != nil {
			return err
		}
		if exc != nil {
			return fmt.Errorf("in frame: %s", exc.Text+" "+describe(exc))
		}
		if out == nil || res == nil || len(res.Value) == 0 {
			return nil
		}
		return json.Unmarshal(res.Value, out)
	}))
}

func describe(exc *runtime.ExceptionDetails) string {
	if exc.Exception != nil {
		return exc.Exception.Description
	}
	return ""
}

// WaitInFrame polls js (a boolean expression) in the frame until it holds.
func (b *Browser) WaitInFrame(what, part, js string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		var ok bool
		if last = b.InFrame(part, "Boolean("+js+")", &ok); last == nil && ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Screenshot("failed-" + what)
	b.t.Fatalf("%s: %s never held (last error %v)", what, js, last)
}

// Screenshot saves a full-page PNG under the test output folder:
// $REMIT_TEST_OUTPUT when set, else testdata/screenshots (ignored by git).
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	dir, err := outputDir()
	if err != nil {
		b.t.Errorf("screenshot dir: %v", err)
		return ""
	}
	var png []byte
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(dir, b.fileName(name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot: %v", err)
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// outputDir is the folder screenshots go to: $REMIT_TEST_OUTPUT when set,
// else testdata/screenshots (ignored by git).
func outputDir() (string, error) {
	dir := os.Getenv("REMIT_TEST_OUTPUT")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// fileName is a screenshot's file name (without extension) for the
// running test.
func (b *Browser) fileName(name string) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name() + "-" + name)
}

// PDFPage renders the first page of a PDF as a PNG with pdftoppm
// (poppler-utils, installed by scripts/deps.sh) and keeps it with the
// screenshots, so a rendered document is looked at with the pages that
// produced it. It fails the test when the PDF does not render and
// returns the PNG's path.
func (b *Browser) PDFPage(name string, pdf []byte) string {
	b.t.Helper()
	dir, err := outputDir()
	if err != nil {
		b.t.Fatalf("screenshot dir: %v", err)
	}
	tmp := b.t.TempDir()
	in := filepath.Join(tmp, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	prefix := filepath.Join(dir, b.fileName(name))
	out, err := exec.Command("pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", in, prefix).CombinedOutput()
	if err != nil {
		b.t.Fatalf("pdftoppm %s: %v\n%s (run scripts/deps.sh)", name, err, out)
	}
	path := prefix + ".png"
	f, err := os.Open(path)
	if err != nil {
		b.t.Fatalf("pdftoppm left no page image for %s: %v", name, err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		b.t.Fatalf("page image of %s: %v", name, err)
	}
	// A page with text on it has dark pixels; a blank or failed render
	// has next to none.
	r := img.Bounds()
	dark := 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			if c := color.GrayModel.Convert(img.At(x, y)).(color.Gray); c.Y < 128 {
				dark++
			}
		}
	}
	if total := r.Dx() * r.Dy() / 4; dark*200 < total {
		b.t.Fatalf("the page of %s is nearly blank (%d dark of %d sampled pixels)", name, dark, total)
	}
	b.t.Logf("PDF page: %s", path)
	return path
}

// Settle waits until the host has sized the app's iframe to its content
// (AP.resize), so screenshots show the whole page.
func (b *Browser) Settle(part string) {
	b.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var frame, content float64
		ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
		err := chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById('app-frame').getBoundingClientRect().height`, &frame))
		cancel()
		if err == nil && b.InFrame(part, `document.getElementById('remit-root').getBoundingClientRect().bottom`, &content) == nil && frame >= content && frame-content < 40 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// InPage evaluates js in the top-level page, in an isolated world (the
// page's DOM, not its scripts: it works with the page's JavaScript
// disabled too), and decodes the result into out.
func (b *Browser) InPage(js string, out any) error {
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		tree, err := page.GetFrameTree().Do(ctx)
		if err != nil {
			return err
		}
		world, err := page.CreateIsolatedWorld(tree.Frame.ID).WithWorldName("remit-test").Do(ctx)
		if err != nil {
			return err
		}
		res, exc, err := runtime.Evaluate(js).WithContextID(world).WithAwaitPromise(true).WithReturnByValue(true).Do(ctx)
		if err != nil {
			return err
		}
		if exc != nil {
			return fmt.Errorf("in page: %s", exc.Text+" "+describe(exc))
		}
		if out == nil || res == nil || len(res.Value) == 0 {
			return nil
		}
		return json.Unmarshal(res.Value, out)
	}))
}
