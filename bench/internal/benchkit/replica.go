package benchkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// BuildRemit builds cmd/remit from the module at root into dir and
// returns the binary's path, so child processes run what is checked out.
func BuildRemit(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "remit")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/remit")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build remit: %w", err)
	}
	return bin, nil
}

// ModuleRoot is the directory of Remit's go.mod.
func ModuleRoot() (string, error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(b))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run from inside Remit's module")
	}
	return filepath.Dir(gomod), nil
}

// Replica is one `remit serve` child process on its own loopback port.
// Crash tests kill it with SIGKILL and start it again on the same port.
type Replica struct {
	Name string
	Base string // http://127.0.0.1:port, also its REMIT_BASE_URL
	Ops  string // http://127.0.0.1:port of its REMIT_OPS_LISTEN (/metrics, /readyz)
	bin  string
	env  []string
	log  *os.File
	cmd  *exec.Cmd
	done chan struct{}
	// Starts counts how often the process was started.
	Starts int
}

// NewReplica prepares replica name of bin with env (REMIT_LISTEN,
// REMIT_OPS_LISTEN and REMIT_BASE_URL are added) logging to
// dir/name.log; Start runs it.
func NewReplica(bin, dir, name string, env []string) (*Replica, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	opsAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, err
	}
	base := "http://" + addr
	env = append(append(os.Environ(), env...), "REMIT_LISTEN="+addr, "REMIT_OPS_LISTEN="+opsAddr, "REMIT_BASE_URL="+base)
	return &Replica{Name: name, Base: base, Ops: "http://" + opsAddr, bin: bin, env: env, log: f}, nil
}

// Start runs the process and waits until its ops listener answers /readyz.
func (r *Replica) Start(ctx context.Context) error {
	if r.Running() {
		return fmt.Errorf("%s is already running", r.Name)
	}
	cmd := exec.Command(r.bin, "serve", "-log-level", "warn")
	cmd.Env, cmd.Stdout, cmd.Stderr = r.env, r.log, r.log
	fmt.Fprintf(r.log, "=== start %d at %s\n", r.Starts+1, time.Now().Format(time.RFC3339Nano))
	if err := cmd.Start(); err != nil {
		return err
	}
	r.cmd, r.done = cmd, make(chan struct{})
	r.Starts++
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(r.done)
	readyCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return WaitHTTP(readyCtx, r.Ops+"/readyz")
}

// Running reports whether the process is alive.
func (r *Replica) Running() bool {
	if r.done == nil {
		return false
	}
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// Pid is the running process's id (0 when stopped).
func (r *Replica) Pid() int {
	if !r.Running() {
		return 0
	}
	return r.cmd.Process.Pid
}

// Kill ends the process with SIGKILL, as a crash or an OOM kill would:
// no graceful drain, its running jobs stay "running" in the queue.
func (r *Replica) Kill() {
	if !r.Running() {
		return
	}
	fmt.Fprintf(r.log, "=== SIGKILL at %s\n", time.Now().Format(time.RFC3339Nano))
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.done
}

// Stop ends the process with SIGTERM (SIGKILL after 30 s) and closes its log.
func (r *Replica) Stop() {
	if r.Running() {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			r.Kill()
		}
	}
	_ = r.log.Close()
}

// LogPath is where the replica's output goes.
func (r *Replica) LogPath() string { return r.log.Name() }
