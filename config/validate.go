package config

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// validate checks c, loads c.Location, and reports every problem.
func (l *loader) validate(c *Config) {
	if c.Language != "fr" && c.Language != "en" {
		l.problem("language", "%q is not supported (use fr or en)", c.Language)
	}
	l.checkTimezone(c)
	if strings.TrimSpace(c.Database) == "" {
		l.problem("database", "required (a file path, e.g. consentbot.db)")
	}
	if c.SocialCodeURL != "" {
		l.checkURL("social_code_url", c.SocialCodeURL)
	}

	if c.Rules.ValidationsRequired < 1 {
		l.problem("rules.validations_required", "must be at least 1, got %d", c.Rules.ValidationsRequired)
	}
	if c.Rules.ObjectionMinChars < 1 {
		l.problem("rules.objection_min_chars", "must be at least 1, got %d", c.Rules.ObjectionMinChars)
	}
	l.checkPositive("rules.proposal_deadline", c.Rules.ProposalDeadline)
	l.checkPositive("rules.cooptation_deadline", c.Rules.CooptationDeadline)

	l.checkListen("http.listen", c.HTTP.Listen)
	l.checkURL("http.public_url", c.HTTP.PublicURL)

	if m := c.Mattermost; m != nil {
		l.checkURL("mattermost.url", m.URL)
		l.checkRequired("mattermost.team", m.Team)
		l.checkRequired("mattermost.channel", m.Channel)
		if m.BotToken == "" {
			l.problemf("mattermost is on but has no bot token: set CONSENTBOT_MATTERMOST_BOT_TOKEN or CONSENTBOT_MATTERMOST_BOT_TOKEN_FILE")
		}
	}
	if r := c.RocketChat; r != nil {
		l.checkURL("rocketchat.url", r.URL)
		l.checkRequired("rocketchat.channel", r.Channel)
		l.checkRocketChatLogin(r)
	}

	l.checkSchedule("meeting.schedule", c.Meeting.Schedule)
	l.checkURL("meeting.video_url", c.Meeting.VideoURL)
	for i, d := range c.Meeting.Reminders {
		if d <= 0 {
			l.problem("meeting.reminders", "reminder %d (%v) must be positive", i+1, d)
		}
	}
	if c.Meeting.Grace < 0 {
		l.problem("meeting.grace", "must not be negative, got %v", c.Meeting.Grace)
	}
}

func (l *loader) checkTimezone(c *Config) {
	c.Location = nil
	switch c.Timezone {
	case "":
		l.problem("timezone", "required (an IANA name such as Europe/Paris)")
		return
	case "Local":
		// Depends on the host; the meeting must not move with it (R22).
		l.problem("timezone", "name the zone explicitly, such as Europe/Paris, rather than Local")
		return
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		l.problem("timezone", "unknown time zone %q (use an IANA name such as Europe/Paris)", c.Timezone)
		return
	}
	c.Location = loc
}

func (l *loader) checkRequired(key, v string) {
	if strings.TrimSpace(v) == "" {
		l.problem(key, "required")
	}
}

func (l *loader) checkPositive(key string, d time.Duration) {
	if d <= 0 {
		l.problem(key, "must be positive, got %v", d)
	}
}

// checkURL requires an absolute http or https URL.
func (l *loader) checkURL(key, v string) {
	if v == "" {
		l.problem(key, "required (an http:// or https:// URL)")
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		l.problem(key, "%q is not an absolute http:// or https:// URL", v)
	}
}

func (l *loader) checkListen(key, v string) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		l.problem(key, "%q is not a host:port address (e.g. 127.0.0.1:8080 or :8080)", v)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		l.problem(key, "%q: port must be a number from 0 to 65535", v)
	}
	if strings.ContainsAny(host, " /") {
		l.problem(key, "%q: bad host", v)
	}
}

func (l *loader) checkSchedule(key, v string) {
	if strings.HasPrefix(v, "TZ=") || strings.HasPrefix(v, "CRON_TZ=") {
		l.problem(key, "set the zone with timezone, not in the schedule")
		return
	}
	if _, err := cron.ParseStandard(v); err != nil {
		l.problem(key, "%q is not a cron schedule (minute hour day-of-month month day-of-week, e.g. \"0 10 * * MON\"): %v", v, err)
	}
}

// checkRocketChatLogin requires one complete pair: user id and personal
// access token, or user name and password.
func (l *loader) checkRocketChatLogin(r *RocketChat) {
	tokenPair := r.UserID != "" && r.Token != ""
	passwordPair := r.User != "" && r.Password != ""
	switch {
	case r.UserID != "" && r.Token == "":
		l.problemf("rocketchat: CONSENTBOT_ROCKETCHAT_USER_ID is set without CONSENTBOT_ROCKETCHAT_TOKEN")
	case r.UserID == "" && r.Token != "":
		l.problemf("rocketchat: CONSENTBOT_ROCKETCHAT_TOKEN is set without CONSENTBOT_ROCKETCHAT_USER_ID")
	case r.User != "" && r.Password == "":
		l.problemf("rocketchat: CONSENTBOT_ROCKETCHAT_USER is set without CONSENTBOT_ROCKETCHAT_PASSWORD")
	case r.User == "" && r.Password != "":
		l.problemf("rocketchat: CONSENTBOT_ROCKETCHAT_PASSWORD is set without CONSENTBOT_ROCKETCHAT_USER")
	case !tokenPair && !passwordPair:
		l.problemf("rocketchat is on but has no credentials: set CONSENTBOT_ROCKETCHAT_USER_ID and CONSENTBOT_ROCKETCHAT_TOKEN, or CONSENTBOT_ROCKETCHAT_USER and CONSENTBOT_ROCKETCHAT_PASSWORD (or their _FILE variants)")
	}
}
