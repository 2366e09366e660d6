package meeting

import (
	"fmt"
	"strings"
	"time"
)

// Go's time package only knows English names and the project uses no locale
// library, so the French names are written here.
var (
	frDays   = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// FormatDate renders t as a date and time in loc, the way people write it in
// lang: "lundi 29 mars 2027 à 10:00" (fr) or "Monday 29 March 2027 at 10:00"
// (en). Times are stored in UTC and shown in the configured zone (SPEC R22).
// A nil loc means UTC. lang is matched on its primary subtag ("fr-CA" is
// French); anything but French renders in English.
func FormatDate(t time.Time, loc *time.Location, lang string) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if isFrench(lang) {
		day := fmt.Sprint(t.Day())
		if t.Day() == 1 {
			day = "1er" // French writes the first of the month as an ordinal
		}
		return fmt.Sprintf("%s %s %s %d à %s",
			frDays[t.Weekday()], day, frMonths[t.Month()-1], t.Year(), t.Format("15:04"))
	}
	return t.Format("Monday 2 January 2006 at 15:04")
}

func isFrench(lang string) bool {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	primary, _, _ = strings.Cut(primary, "_")
	return primary == "fr"
}
