//go:build !unix

package mmtest

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

func flockTry(*os.File, bool) error { return errors.ErrUnsupported }
func flockUnlock(*os.File) error    { return nil }
