package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// postgresDirs is where Debian and Ubuntu install server binaries, which
// are not on PATH there.
const postgresDirs = "/usr/lib/postgresql/*/bin"

// findBinary locates a PostgreSQL server program on PATH or, failing that,
// in the newest /usr/lib/postgresql/<version>/bin.
func findBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob(filepath.Join(postgresDirs, name))
	slices.SortFunc(matches, func(a, b string) int { return versionOf(b) - versionOf(a) })
	for _, m := range matches {
		if info, err := os.Stat(m); err == nil && info.Mode()&0o111 != 0 {
			return m, nil
		}
	}
	return "", fmt.Errorf("pgtest: %s not found on PATH or in %s; install PostgreSQL's server package", name, postgresDirs)
}

// versionOf extracts the major version from /usr/lib/postgresql/<v>/bin/x.
func versionOf(path string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return v
}

// runAs is how server programs are started: PostgreSQL refuses to run as
// root, so root runs them as the postgres user through runuser.
type runAs struct {
	prefix   []string // e.g. runuser -u postgres --
	uid, gid int      // owner to give the cluster directory; -1 = leave
}

// currentRunAs decides runAs for this process.
func currentRunAs() (runAs, error) {
	if os.Geteuid() != 0 {
		return runAs{uid: -1, gid: -1}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return runAs{}, fmt.Errorf("pgtest: running as root needs a postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		return runAs{}, fmt.Errorf("pgtest: running as root needs runuser: %w", err)
	}
	return runAs{prefix: []string{runuser, "-u", "postgres", "--"}, uid: uid, gid: gid}, nil
}

// command builds the exec.Cmd for a server program under r.
func (r runAs) command(bin string, args ...string) *exec.Cmd {
	argv := append(slices.Clone(r.prefix), bin)
	argv = append(argv, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd
}

// run runs a server program and folds its output into the error.
func (r runAs) run(bin string, args ...string) error {
	out, err := r.command(bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return nil
}
