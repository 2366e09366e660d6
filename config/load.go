package config

import (
	"fmt"
	"strings"
)

// Problems lists everything wrong with a configuration, so that an operator
// fixes it in one go. Each problem names the key, and the environment
// variable when the value came from there.
type Problems []string

func (p Problems) Error() string {
	if len(p) == 1 {
		return "configuration problem: " + p[0]
	}
	return fmt.Sprintf("%d configuration problems:\n  %s", len(p), strings.Join(p, "\n  "))
}

// Load returns the configuration: Default, overridden by the YAML file at
// path (skipped when path is ""), overridden by the CONSENTBOT_ variables
// of env (entries "NAME=value", as from os.Environ), with secrets from env.
// If anything is wrong, the error is Problems listing all of it, and the
// Config is the zero value.
func Load(path string, env []string) (Config, error) {
	l := &loader{fromEnv: make(map[string]string)}
	c := Default()
	if path != "" {
		l.readFile(&c, path)
	}
	vars := parseEnv(env)
	l.applyEnv(&c, vars)
	l.applySecrets(&c, vars)
	l.validate(&c)
	if len(l.problems) > 0 {
		return Config{}, l.problems
	}
	return c, nil
}

// loader collects problems while loading.
type loader struct {
	problems Problems
	fromEnv  map[string]string // key path → variable that set it
}

func (l *loader) problemf(format string, args ...any) {
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

// problem reports a problem with a key, naming the variable that set it.
func (l *loader) problem(key, format string, args ...any) {
	name := key
	if env, ok := l.fromEnv[key]; ok {
		name += " (" + env + ")"
	}
	l.problemf("%s: %s", name, fmt.Sprintf(format, args...))
}
