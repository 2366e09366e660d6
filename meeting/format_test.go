package meeting

import (
	"testing"
	"time"
)

// R22: stored in UTC, shown in the configured zone, in the configured
// language.
func TestFormatDate(t *testing.T) {
	tests := []struct {
		name string
		at   string
		zone string // "" means nil loc
		lang string
		want string
	}{
		{"FrenchSummer", "2027-03-29T08:00:00Z", "Europe/Paris", "fr", "lundi 29 mars 2027 à 10:00"},
		{"EnglishSummer", "2027-03-29T08:00:00Z", "Europe/Paris", "en", "Monday 29 March 2027 at 10:00"},
		{"FrenchWinter", "2027-03-22T09:00:00Z", "Europe/Paris", "fr", "lundi 22 mars 2027 à 10:00"},
		{"FrenchFirstOfMonth", "2027-02-01T09:00:00Z", "Europe/Paris", "fr", "lundi 1er février 2027 à 10:00"},
		{"FrenchAccents", "2027-08-15T16:05:00Z", "Europe/Paris", "fr", "dimanche 15 août 2027 à 18:05"},
		{"FrenchNewYear", "2027-12-31T23:30:00Z", "Europe/Paris", "fr-FR", "samedi 1er janvier 2028 à 00:30"},
		{"ZoneChangesTheDay", "2027-03-29T02:00:00Z", "America/New_York", "en", "Sunday 28 March 2027 at 22:00"},
		{"RegionSubtag", "2027-03-29T08:00:00Z", "Europe/Paris", "fr_CA", "lundi 29 mars 2027 à 10:00"},
		{"UppercaseLang", "2027-03-29T08:00:00Z", "Europe/Paris", "FR", "lundi 29 mars 2027 à 10:00"},
		{"UnknownLangIsEnglish", "2027-03-29T08:00:00Z", "Europe/Paris", "de", "Monday 29 March 2027 at 10:00"},
		{"NilZoneIsUTC", "2027-03-29T08:00:00Z", "", "en", "Monday 29 March 2027 at 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var loc *time.Location
			if tt.zone != "" {
				loc = mustLoc(t, tt.zone)
			}
			if got := FormatDate(utc(t, tt.at), loc, tt.lang); got != tt.want {
				t.Errorf("FormatDate = %q, want %q", got, tt.want)
			}
		})
	}
}
