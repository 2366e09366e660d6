package e2e

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/consentbot/consentbot/e2e/mmtest"
)

// TestMeasureMattermost reports round trips through the real server; it
// asserts nothing about time (machines here are noisy) and runs only when
// CONSENTBOT_E2E_MEASURE=1:
//
//	CONSENTBOT_E2E_MEASURE=1 CONSENTBOT_E2E_MATTERMOST_URL=http://127.0.0.1:8065 \
//	  go test -count=1 -v -run TestMeasureMattermost ./e2e/
func TestMeasureMattermost(t *testing.T) {
	if os.Getenv("CONSENTBOT_E2E_MEASURE") != "1" {
		t.Skip("set CONSENTBOT_E2E_MEASURE=1 to measure")
	}
	h := newHarness(t)
	h.cmd("alice", "propose Measure the bot")
	h.card("P1", "Measure the bot")

	roundTrips := func(command string) []time.Duration {
		var d []time.Duration
		for range 100 {
			start := time.Now()
			if _, err := h.env.ExecuteCommand(h.ctx, "bob", h.env.ChannelID, command); err != nil {
				t.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
		slices.Sort(d)
		return d
	}
	// Interleave twice so both see the same machine load.
	me1, st1 := roundTrips("/me measures"), roundTrips("/consent status P1")
	st2, me2 := roundTrips("/consent status P1"), roundTrips("/me measures")
	me, st := merge(me1, me2), merge(st1, st2)
	t.Logf("/me:             median %v  p95 %v", me[len(me)/2], me[len(me)*95/100])
	t.Logf("/consent status: median %v  p95 %v  (median ratio to /me %.2f)", st[len(st)/2], st[len(st)*95/100], float64(st[len(st)/2])/float64(me[len(me)/2]))

	const users, each = 16, 25
	names := mmtest.UserNames
	var wg sync.WaitGroup
	start := time.Now()
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := h.env.ExecuteCommand(h.ctx, names[i%len(names)], h.env.ChannelID, "/consent status P1"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	through := float64(users*each) / elapsed.Seconds()
	t.Logf("%d concurrent users × %d /consent status through Mattermost: %.0f commands/s", users, each, through)

	// The same straight to the bot's endpoint, as Mattermost would call it:
	// what the bot alone can take.
	start = time.Now()
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := h.env.User(names[i%len(names)])
			for range each {
				form := url.Values{"token": {h.token}, "user_id": {u.ID}, "user_name": {u.Name},
					"channel_id": {h.env.ChannelID}, "command": {"/consent"}, "text": {"status P1"}}
				resp, err := http.PostForm(h.public+"/mattermost/command", form)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	direct := float64(users*each) / time.Since(start).Seconds()
	t.Logf("the same straight to the bot: %.0f commands/s (%.1f× through Mattermost)", direct, direct/through)
}

func merge(a, b []time.Duration) []time.Duration {
	out := append(append([]time.Duration{}, a...), b...)
	slices.Sort(out)
	return out
}
