package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/config"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/proposals"
	"github.com/consentbot/consentbot/storage"
)

// common are the flags every subcommand takes.
type common struct {
	db, config string
}

func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &common{}
	fs.StringVar(&c.db, "db", "", "database file (default: the configuration's, else consentbot.db)")
	fs.StringVar(&c.config, "config", "", "configuration file (YAML)")
	return fs, c
}

// load reads the configuration, every problem at once; --db wins.
func (c *common) load(env []string) (config.Config, error) {
	cfg, err := config.Load(c.config, env)
	if err != nil {
		return cfg, err
	}
	if c.db != "" {
		cfg.Database = c.db
	}
	return cfg, nil
}

// open opens the database of cfg with the given clock.
func open(cfg config.Config, now func() time.Time) (*storage.DB, error) {
	return storage.Open(cfg.Database, now)
}

// botConfig translates the configuration for the bot.
func botConfig(cfg config.Config, platforms []string, calendarURL string) (bot.Config, error) {
	sched, err := meeting.NewSchedule(cfg.Meeting.Schedule, cfg.Location)
	if err != nil {
		return bot.Config{}, fmt.Errorf("meeting.schedule: %w", err)
	}
	if len(cfg.Meeting.Reminders) > 0 {
		sched.Reminders = cfg.Meeting.Reminders
	}
	return bot.Config{
		Language: cfg.Language, Location: cfg.Location,
		Rules:              proposals.Rules{ValidationsRequired: cfg.Rules.ValidationsRequired, ObjectionMinChars: cfg.Rules.ObjectionMinChars},
		ProposalDeadline:   cfg.Rules.ProposalDeadline,
		CooptationDeadline: cfg.Rules.CooptationDeadline,
		SocialCodeURL:      cfg.SocialCodeURL,
		Platforms:          platforms,
		Meeting: bot.MeetingConfig{
			Schedule: sched, VideoURL: cfg.Meeting.VideoURL,
			Reminders: sched.Reminders, Grace: cfg.Meeting.Grace, CalendarURL: calendarURL,
		},
	}, nil
}

func textLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
