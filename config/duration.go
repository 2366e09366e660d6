package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

const day = 24 * time.Hour

// ParseDuration parses a Go duration ("36h", "15m", "1h30m") or a number of
// days, optionally followed by a Go duration ("7d", "14d", "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	if neg || strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	if t == "" {
		return 0, badDuration(s)
	}
	var d time.Duration
	if i := strings.IndexByte(t, 'd'); i > 0 {
		n, err := strconv.ParseUint(t[:i], 10, 63)
		if err != nil || n > uint64(1<<63-1)/uint64(day) {
			return 0, badDuration(s)
		}
		d, t = time.Duration(n)*day, t[i+1:]
	}
	if t != "" {
		rest, err := time.ParseDuration(t)
		if err != nil || rest < 0 {
			return 0, badDuration(s)
		}
		d += rest
	}
	if neg {
		d = -d
	}
	return d, nil
}

func badDuration(s string) error {
	return fmt.Errorf("%q is not a duration (use e.g. 7d, 36h, 15m)", s)
}

// duration is a time.Duration as written in the file: it accepts days.
type duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler. It reports failures as a
// *yaml.TypeError so that decoding goes on and every problem is listed.
func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: expected a duration (e.g. 7d, 36h, 15m)", n.Line)}}
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = duration(v)
	return nil
}
