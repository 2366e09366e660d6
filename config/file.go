package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// fileConfig is Config as written in the file: durations accept days, and
// the keyless fields are absent so that KnownFields rejects them.
type fileConfig struct {
	Language      string      `yaml:"language"`
	Timezone      string      `yaml:"timezone"`
	Database      string      `yaml:"database"`
	SocialCodeURL string      `yaml:"social_code_url"`
	Rules         fileRules   `yaml:"rules"`
	HTTP          HTTP        `yaml:"http"`
	Mattermost    *Mattermost `yaml:"mattermost"`
	RocketChat    *RocketChat `yaml:"rocketchat"`
	Meeting       fileMeeting `yaml:"meeting"`
}

type fileRules struct {
	ValidationsRequired int      `yaml:"validations_required"`
	ObjectionMinChars   int      `yaml:"objection_min_chars"`
	ProposalDeadline    duration `yaml:"proposal_deadline"`
	CooptationDeadline  duration `yaml:"cooptation_deadline"`
}

type fileMeeting struct {
	Schedule  string     `yaml:"schedule"`
	VideoURL  string     `yaml:"video_url"`
	Reminders []duration `yaml:"reminders"`
	Grace     duration   `yaml:"grace"`
}

// sectionOfType maps the type names in yaml.v3's "field x not found in
// type T" messages back to key paths.
var sectionOfType = map[string]string{
	"config.fileConfig":  "",
	"config.fileRules":   "rules.",
	"config.HTTP":        "http.",
	"config.Mattermost":  "mattermost.",
	"config.RocketChat":  "rocketchat.",
	"config.fileMeeting": "meeting.",
}

var unknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)

// readFile decodes the file at path over c. Problems go to l; a file that
// cannot be read or parsed at all leaves c unchanged.
func (l *loader) readFile(c *Config, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			l.problemf("%s: configuration file not found", path)
		} else {
			l.problemf("%s: %v", path, err)
		}
		return
	}
	f := toFile(*c)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err = dec.Decode(&f)
	var te *yaml.TypeError
	switch {
	case errors.Is(err, io.EOF): // empty file: nothing to change
		return
	case errors.As(err, &te):
		// Decoding went on past these; report them and keep the rest.
		lines := keyLines(data)
		for _, msg := range te.Errors {
			l.problemf("%s: %s", path, fileMessage(msg, lines))
		}
	case err != nil:
		l.problemf("%s: %v", path, err)
		return
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		l.problemf("%s: only one YAML document is read; remove the others", path)
	}
	fromFile(c, f)
}

var lineMessage = regexp.MustCompile(`^line (\d+): (.*)$`)

// fileMessage rewrites yaml.v3's messages to name the key: lines maps a
// line number to the key written there.
func fileMessage(msg string, lines map[string]string) string {
	m := unknownField.FindStringSubmatch(msg)
	if m == nil {
		if m := lineMessage.FindStringSubmatch(msg); m != nil && lines[m[1]] != "" {
			return fmt.Sprintf("line %s: %s: %s", m[1], lines[m[1]], m[2])
		}
		return msg
	}
	prefix, ok := sectionOfType[m[3]]
	if !ok {
		return msg
	}
	key := prefix + m[2]
	if env, secret := secretOfKey[key]; secret {
		return fmt.Sprintf("line %s: %s: secrets have no file key, set %s or %s_FILE", m[1], key, env, env)
	}
	return fmt.Sprintf("line %s: unknown key %s", m[1], key)
}

// secretOfKey lets a misplaced secret in the file get a helpful message.
var secretOfKey = map[string]string{}

func init() {
	for _, s := range secrets {
		secretOfKey[s.key] = s.env
	}
}

func toFile(c Config) fileConfig {
	f := fileConfig{
		Language:      c.Language,
		Timezone:      c.Timezone,
		Database:      c.Database,
		SocialCodeURL: c.SocialCodeURL,
		Rules: fileRules{
			ValidationsRequired: c.Rules.ValidationsRequired,
			ObjectionMinChars:   c.Rules.ObjectionMinChars,
			ProposalDeadline:    duration(c.Rules.ProposalDeadline),
			CooptationDeadline:  duration(c.Rules.CooptationDeadline),
		},
		HTTP:       c.HTTP,
		Mattermost: c.Mattermost,
		RocketChat: c.RocketChat,
		Meeting: fileMeeting{
			Schedule: c.Meeting.Schedule,
			VideoURL: c.Meeting.VideoURL,
			Grace:    duration(c.Meeting.Grace),
		},
	}
	for _, r := range c.Meeting.Reminders {
		f.Meeting.Reminders = append(f.Meeting.Reminders, duration(r))
	}
	return f
}

func fromFile(c *Config, f fileConfig) {
	c.Language = f.Language
	c.Timezone = f.Timezone
	c.Database = f.Database
	c.SocialCodeURL = f.SocialCodeURL
	c.Rules = Rules{
		ValidationsRequired: f.Rules.ValidationsRequired,
		ObjectionMinChars:   f.Rules.ObjectionMinChars,
		ProposalDeadline:    time.Duration(f.Rules.ProposalDeadline),
		CooptationDeadline:  time.Duration(f.Rules.CooptationDeadline),
	}
	c.HTTP = f.HTTP
	c.Mattermost = f.Mattermost
	c.RocketChat = f.RocketChat
	c.Meeting = Meeting{
		Schedule: f.Meeting.Schedule,
		VideoURL: f.Meeting.VideoURL,
		Grace:    time.Duration(f.Meeting.Grace),
	}
	c.Meeting.Reminders = make([]time.Duration, 0, len(f.Meeting.Reminders))
	for _, r := range f.Meeting.Reminders {
		c.Meeting.Reminders = append(c.Meeting.Reminders, time.Duration(r))
	}
}

// keyLines maps each line number (as text) of data to the path of the key
// whose value is written there, for messages.
func keyLines(data []byte) map[string]string {
	lines := make(map[string]string)
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return lines
	}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if path != "" {
					k = path + "." + k
				}
				lines[strconv.Itoa(n.Content[i].Line)] = k
				walk(n.Content[i+1], k)
			}
		case yaml.SequenceNode:
			for _, item := range n.Content {
				walk(item, path)
			}
		case yaml.ScalarNode:
			if _, ok := lines[strconv.Itoa(n.Line)]; !ok {
				lines[strconv.Itoa(n.Line)] = path
			}
		}
	}
	walk(root.Content[0], "")
	return lines
}
