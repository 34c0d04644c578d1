package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
)

// loadRevision returns the company revision this terminal holds: 0 when it
// holds none yet, which makes the cloud send a full snapshot — always safe.
func loadRevision(dir string) (int64, error) {
	s, err := readValue(dir, fileRevision)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	rev, err := strconv.ParseInt(s, 10, 64)
	if err != nil || rev < 0 {
		return 0, fmt.Errorf("revision file holds %q, not a revision", s)
	}
	return rev, nil
}
