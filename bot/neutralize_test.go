package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/consentbot/consentbot/bot"
)

func TestR26_Neutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello @channel", "hello @\u200bchannel"},
		{"@ALL now", "@\u200bALL now"},
		{"@here.", "@\u200bhere."},
		{"@everyone!", "@\u200beveryone!"},
		{"@allison and @channels", "@allison and @channels"},
		{"İ @channel please", "İ @\u200bchannel please"}, // İ grows when lower-cased
		{strings.Repeat("\u212a", 30) + "@", strings.Repeat("\u212a", 30) + "@"},
		{strings.Repeat("\u212a", 3) + " @here", strings.Repeat("\u212a", 3) + " @\u200bhere"}, // K shrinks
		{"mail me: a@b.org", "mail me: a@b.org"},
	}
	for _, tt := range tests {
		if got := bot.Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzNeutralize: never panics, keeps valid UTF-8, only ever adds zero-width
// spaces, and leaves no mention of the whole channel.
func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"@channel", "İ @here", strings.Repeat("\u212a", 40) + "@all", "@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := bot.Neutralize(s)
		if strings.ReplaceAll(got, "\u200b", "") != strings.ReplaceAll(s, "\u200b", "") {
			t.Fatalf("Neutralize(%q) = %q changed more than mentions", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Neutralize(%q) broke UTF-8", s)
		}
		lower := strings.ToLower(got)
		for _, w := range []string{"@channel", "@all", "@here", "@everyone"} {
			for i := strings.Index(lower, w); i >= 0; i = -1 {
				end := i + len(w)
				if end == len(lower) || !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789_-", rune(lower[end])) {
					if !strings.EqualFold(got[i:min(end, len(got))], w) {
						break // offsets moved by lower-casing: checked by the table
					}
					t.Fatalf("Neutralize(%q) = %q still mentions %s", s, got, w)
				}
			}
		}
	})
}
