package config

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// envPrefix starts every variable this package reads.
const envPrefix = "CONSENTBOT_"

// A key is one file key that the environment may override.
type key struct {
	path string // "rules.validations_required"
	set  func(c *Config, v string) error
}

// env is the variable overriding the key: CONSENTBOT_ + path in upper snake case.
func (k key) env() string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(k.path, ".", "_"))
}

// keys lists every file key (SPEC §6, plus meeting.grace).
var keys = []key{
	{"language", setString(func(c *Config) *string { return &c.Language })},
	{"timezone", setString(func(c *Config) *string { return &c.Timezone })},
	{"database", setString(func(c *Config) *string { return &c.Database })},
	{"social_code_url", setString(func(c *Config) *string { return &c.SocialCodeURL })},
	{"rules.validations_required", setInt(func(c *Config) *int { return &c.Rules.ValidationsRequired })},
	{"rules.objection_min_chars", setInt(func(c *Config) *int { return &c.Rules.ObjectionMinChars })},
	{"rules.proposal_deadline", setDuration(func(c *Config) *time.Duration { return &c.Rules.ProposalDeadline })},
	{"rules.cooptation_deadline", setDuration(func(c *Config) *time.Duration { return &c.Rules.CooptationDeadline })},
	{"http.listen", setString(func(c *Config) *string { return &c.HTTP.Listen })},
	{"http.public_url", setString(func(c *Config) *string { return &c.HTTP.PublicURL })},
	{"mattermost.url", setString(func(c *Config) *string { return &mattermost(c).URL })},
	{"mattermost.team", setString(func(c *Config) *string { return &mattermost(c).Team })},
	{"mattermost.channel", setString(func(c *Config) *string { return &mattermost(c).Channel })},
	{"rocketchat.url", setString(func(c *Config) *string { return &rocketchat(c).URL })},
	{"rocketchat.channel", setString(func(c *Config) *string { return &rocketchat(c).Channel })},
	{"meeting.schedule", setString(func(c *Config) *string { return &c.Meeting.Schedule })},
	{"meeting.video_url", setString(func(c *Config) *string { return &c.Meeting.VideoURL })},
	{"meeting.reminders", setDurations(func(c *Config) *[]time.Duration { return &c.Meeting.Reminders })},
	{"meeting.grace", setDuration(func(c *Config) *time.Duration { return &c.Meeting.Grace })},
}

// A secret has no file key; it comes from env, or from the file named by
// env + "_FILE".
type secret struct {
	key string // pseudo key path, for messages
	env string
	get func(c *Config) *string // nil when the platform is off
}

var secrets = []secret{
	{"mattermost.bot_token", "CONSENTBOT_MATTERMOST_BOT_TOKEN", func(c *Config) *string { return mmField(c, func(m *Mattermost) *string { return &m.BotToken }) }},
	{"mattermost.command_token", "CONSENTBOT_MATTERMOST_COMMAND_TOKEN", func(c *Config) *string { return mmField(c, func(m *Mattermost) *string { return &m.CommandToken }) }},
	{"rocketchat.user_id", "CONSENTBOT_ROCKETCHAT_USER_ID", func(c *Config) *string { return rcField(c, func(r *RocketChat) *string { return &r.UserID }) }},
	{"rocketchat.token", "CONSENTBOT_ROCKETCHAT_TOKEN", func(c *Config) *string { return rcField(c, func(r *RocketChat) *string { return &r.Token }) }},
	{"rocketchat.user", "CONSENTBOT_ROCKETCHAT_USER", func(c *Config) *string { return rcField(c, func(r *RocketChat) *string { return &r.User }) }},
	{"rocketchat.password", "CONSENTBOT_ROCKETCHAT_PASSWORD", func(c *Config) *string { return rcField(c, func(r *RocketChat) *string { return &r.Password }) }},
}

// mattermost and rocketchat turn the section on: setting one of its keys
// through the environment is asking for the platform.
func mattermost(c *Config) *Mattermost {
	if c.Mattermost == nil {
		c.Mattermost = &Mattermost{}
	}
	return c.Mattermost
}

func rocketchat(c *Config) *RocketChat {
	if c.RocketChat == nil {
		c.RocketChat = &RocketChat{}
	}
	return c.RocketChat
}

// mmField and rcField do not turn the section on: a secret alone, e.g. in
// an EnvironmentFile shared by several deployments, does not start a platform.
func mmField(c *Config, f func(*Mattermost) *string) *string {
	if c.Mattermost == nil {
		return nil
	}
	return f(c.Mattermost)
}

func rcField(c *Config, f func(*RocketChat) *string) *string {
	if c.RocketChat == nil {
		return nil
	}
	return f(c.RocketChat)
}

func setString(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		*field(c) = v
		return nil
	}
}

func setInt(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*field(c) = n
		return nil
	}
}

func setDuration(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := ParseDuration(v)
		if err != nil {
			return err
		}
		*field(c) = d
		return nil
	}
}

// setDurations reads a comma-separated list: "24h,15m".
func setDurations(field func(*Config) *[]time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		var ds []time.Duration
		for _, s := range strings.Split(v, ",") {
			d, err := ParseDuration(s)
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
		*field(c) = ds
		return nil
	}
}

// parseEnv turns "NAME=value" entries into a map; a later entry wins, as
// with os/exec. Only CONSENTBOT_ names are kept.
func parseEnv(env []string) map[string]string {
	m := make(map[string]string)
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(name, envPrefix) {
			m[name] = value
		}
	}
	return m
}

// applyEnv overrides keys from the environment. An empty value counts as
// unset, so that `CONSENTBOT_X=` from a template does not clear a key or
// turn a platform on. Unknown CONSENTBOT_ names are problems.
func (l *loader) applyEnv(c *Config, env map[string]string) {
	known := make(map[string]bool)
	for _, k := range keys {
		name := k.env()
		known[name] = true
		v := env[name]
		if v == "" {
			continue
		}
		l.fromEnv[k.path] = name
		if err := k.set(c, v); err != nil {
			l.problem(k.path, "%v", err)
		}
	}
	for _, s := range secrets {
		known[s.env] = true
		known[s.env+"_FILE"] = true
	}
	var unknown []string
	for name := range env {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		msg := name + ": unknown environment variable"
		if near := nearest(name, known); near != "" {
			msg += " (did you mean " + near + "?)"
		}
		l.problemf("%s", msg)
	}
}

// applySecrets fills the secrets of the platforms that are on. Secrets of a
// platform that is off are ignored.
func (l *loader) applySecrets(c *Config, env map[string]string) {
	for _, s := range secrets {
		p := s.get(c)
		if p == nil {
			continue
		}
		v, fromFile := env[s.env], env[s.env+"_FILE"]
		if v != "" && fromFile != "" {
			l.problemf("%s and %s_FILE are both set; keep one", s.env, s.env)
			continue
		}
		if fromFile != "" {
			data, err := os.ReadFile(fromFile)
			if err != nil {
				l.problemf("%s_FILE: %v", s.env, err)
				continue
			}
			v = strings.TrimRight(string(data), "\r\n")
		}
		if v != "" {
			*p = v
		}
	}
}

// nearest returns the known name closest to name, if it is close enough to
// be a typo.
func nearest(name string, known map[string]bool) string {
	best, bestDist := "", 4
	for k := range known {
		if d := levenshtein(name, k); d < bestDist || d == bestDist && best != "" && k < best {
			best, bestDist = k, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
