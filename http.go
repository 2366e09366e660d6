package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/consentbot/consentbot/bot"
	"github.com/consentbot/consentbot/meeting"
	"github.com/consentbot/consentbot/storage"
)

// addHTTPRoutes adds health, readiness, metrics and the calendar feed.
func addHTTPRoutes(mux *http.ServeMux, db *storage.DB, b *bot.Bot, cfg bot.Config, platforms map[string]platform) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status, body := http.StatusOK, "storage: ok\n"
		if err := db.View(func(*storage.Tx) error { return nil }); err != nil {
			status, body = http.StatusServiceUnavailable, "storage: unavailable\n"
		}
		for name, p := range platforms {
			if err := p.Ready(ctx); err != nil {
				// The error itself goes to the log, not to whoever can
				// reach the port: it may name internal hosts.
				status, body = http.StatusServiceUnavailable, body+name+": unreachable\n"
			} else {
				body += name + ": ok\n"
			}
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name := range platforms {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "consentbot_outbox_pending", Help: "Messages waiting for delivery (up to 1000 counted).",
			ConstLabels: prometheus.Labels{"platform": name},
		}, func() float64 {
			msgs, _ := db.Pending(name, 1000)
			return float64(len(msgs))
		}))
	}
	for name := range platforms {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "consentbot_outbox_oldest_seconds", Help: "Age of the oldest message waiting for delivery (0 when none).",
			ConstLabels: prometheus.Labels{"platform": name},
		}, func() float64 {
			msgs, _ := db.Pending(name, 1)
			if len(msgs) == 0 || msgs[0].Queued.IsZero() {
				return 0
			}
			return time.Since(msgs[0].Queued).Seconds()
		}))
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "consentbot_log_entries", Help: "Entries in the decision log.",
	}, func() float64 {
		var n float64
		db.View(func(tx *storage.Tx) error {
			e, ok, _ := tx.LastEntry()
			if ok {
				n = float64(e.Seq)
			}
			return nil
		})
		return n
	}))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /meeting.ics", func(w http.ResponseWriter, r *http.Request) {
		var st storage.MeetingState
		db.View(func(tx *storage.Tx) error {
			var err error
			st, err = tx.Meeting()
			return err
		})
		cancelled := func(t time.Time) bool { _, ok := st.Cancelled[t.UTC().Format(time.RFC3339)]; return ok }
		body := meeting.ICS(cfg.Meeting.Schedule, time.Now(), 12, cfg.Meeting.VideoURL, b.T("ics.title", nil), cancelled)
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Write(body)
	})
}
