package agent

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Files of the data directory (see the package comment).
const (
	fileDeviceID = "device-id"
	fileSecret   = "secret"
	fileMQTTURL  = "mqtt-url"
	fileNonce    = "enroll-nonce"
)

// privateFile is the mode of every file the agent writes: they hold a
// secret, or facts a stranger on the till has no business changing.
const privateFile fs.FileMode = 0o600

// writeFileAtomic replaces path with data so that a reader — or the agent
// after a crash or a power cut — sees the old content or the new, never a
// torn file: the data goes to a temporary file in the same directory, is
// synced, and is renamed over path.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	err = errors.Join(f.Chmod(privateFile), write(f, data), f.Sync())
	if err = errors.Join(err, f.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

func write(f *os.File, data []byte) error {
	_, err := f.Write(data)
	return err
}

// syncDir makes a rename durable. It is best effort: not every system can
// sync a directory (Windows cannot), and the rename itself has succeeded.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync() // best effort, see above
	d.Close()
}

// readValue reads a one-line file without its surrounding whitespace.
func readValue(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// writeValue writes a one-line file atomically.
func writeValue(dir, name, value string) error {
	return writeFileAtomic(filepath.Join(dir, name), []byte(value+"\n"))
}

// removeValue deletes a file that may be absent.
func removeValue(dir, name string) error {
	err := os.Remove(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// makeDataDir creates the data directory, private to the agent's user.
func makeDataDir(dir string) error {
	if dir == "" {
		return errors.New("no data directory given")
	}
	return os.MkdirAll(dir, 0o700)
}
