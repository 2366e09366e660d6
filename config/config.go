// Package config provides consentbot's configuration: one YAML file whose
// keys are fixed by SPEC §6, every key overridable by a CONSENTBOT_…
// environment variable, and secrets (tokens, passwords) read only from the
// environment or from files named there.
//
// Load applies, in order: Default, the file, the environment, then checks
// the result and reports every problem at once as Problems.
package config

import (
	"time"

	// The time zone database is embedded so that a minimal container or a
	// host without /usr/share/zoneinfo still knows Europe/Paris.
	_ "time/tzdata"
)

// Config is the loaded configuration. The yaml tags name the file keys;
// the fields without a key (Location, secrets) are filled by Load.
type Config struct {
	Language      string         `yaml:"language"` // fr | en
	Timezone      string         `yaml:"timezone"` // IANA name, e.g. Europe/Paris
	Location      *time.Location `yaml:"-"`        // Timezone, loaded
	Database      string         `yaml:"database"`
	SocialCodeURL string         `yaml:"social_code_url"` // may be empty
	Rules         Rules          `yaml:"rules"`
	HTTP          HTTP           `yaml:"http"`
	// A nil platform section is off.
	Mattermost *Mattermost `yaml:"mattermost"`
	RocketChat *RocketChat `yaml:"rocketchat"`
	Meeting    Meeting     `yaml:"meeting"`
}

// Rules are the numbers of the social code (SPEC §2).
type Rules struct {
	ValidationsRequired int           `yaml:"validations_required"`
	ObjectionMinChars   int           `yaml:"objection_min_chars"`
	ProposalDeadline    time.Duration `yaml:"proposal_deadline"`
	CooptationDeadline  time.Duration `yaml:"cooptation_deadline"`
}

// HTTP is the bot's own HTTP server (health, metrics, Mattermost endpoints).
type HTTP struct {
	Listen    string `yaml:"listen"`     // host:port
	PublicURL string `yaml:"public_url"` // where the chat server reaches the bot
}

// Mattermost turns the Mattermost adapter on.
type Mattermost struct {
	URL     string `yaml:"url"`
	Team    string `yaml:"team"`
	Channel string `yaml:"channel"` // governance channel: announcements, meeting

	// Secrets, from CONSENTBOT_MATTERMOST_BOT_TOKEN and
	// CONSENTBOT_MATTERMOST_COMMAND_TOKEN (or their _FILE variants).
	// CommandToken may be empty: `consentbot mattermost register` prints it.
	BotToken     string `yaml:"-"`
	CommandToken string `yaml:"-"`
}

// RocketChat turns the Rocket.Chat adapter on.
type RocketChat struct {
	URL     string `yaml:"url"`
	Channel string `yaml:"channel"`

	// Secrets: either UserID and Token (a personal access token), or User
	// and Password; from CONSENTBOT_ROCKETCHAT_USER_ID, _TOKEN, _USER,
	// _PASSWORD (or their _FILE variants).
	UserID   string `yaml:"-"`
	Token    string `yaml:"-"`
	User     string `yaml:"-"`
	Password string `yaml:"-"`
}

// Meeting is the weekly video meeting (SPEC R19–R22).
type Meeting struct {
	Schedule  string          `yaml:"schedule"` // standard 5-field cron, in Location
	VideoURL  string          `yaml:"video_url"`
	Reminders []time.Duration `yaml:"reminders"` // posted this long before the start
	// Grace is how long after its start the meeting is still the current
	// one (points and minutes attach to it rather than to the next).
	Grace time.Duration `yaml:"grace"`
}

// Default returns the configuration used when neither file nor environment
// says otherwise. Both platforms are off.
func Default() Config {
	return Config{
		Language: "fr",
		Timezone: "Europe/Paris",
		Location: mustLoadLocation("Europe/Paris"),
		Database: "consentbot.db",
		Rules: Rules{
			ValidationsRequired: 2,
			ObjectionMinChars:   20,
			ProposalDeadline:    7 * day,
			CooptationDeadline:  14 * day,
		},
		HTTP: HTTP{
			Listen:    "127.0.0.1:8080",
			PublicURL: "http://127.0.0.1:8080",
		},
		Meeting: Meeting{
			Schedule:  "0 10 * * MON",
			VideoURL:  "https://meet.jit.si/coop-hebdo",
			Reminders: []time.Duration{24 * time.Hour, 15 * time.Minute},
			Grace:     30 * time.Minute,
		},
	}
}

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}
