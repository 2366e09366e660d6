package meeting

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"
)

const testVideo = "https://meet.jit.si/coop-hebdo"

func parseICS(t *testing.T, b []byte) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the feed: %v\n%s", err, b)
	}
	return cal
}

func prop(c *ics.ComponentBase, p ics.ComponentProperty) string {
	if v := c.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

// R19, R22: the feed read back by an independent parser gives the meetings
// at 10:00 Paris on both sides of the spring change, with the zone, the
// video link and the cancelled one marked.
func TestICSParsesBack(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	s := mustSchedule(t, "", "Europe/Paris")
	title := `Réunion hebdo, gouvernance; ordre du jour \ tout`
	cancelled := func(o time.Time) bool { return o.Equal(utc(t, "2027-03-29T08:00:00Z")) }
	from := utc(t, "2027-03-20T12:00:00Z")
	cal := parseICS(t, ICS(s, from, 3, testVideo, title, cancelled))

	type event struct {
		Start                       time.Time
		TZID, Status, URL, Loc, Sum string
		Desc, Duration, Stamp, Seq  string
	}
	var got []event
	for _, e := range cal.Events() {
		start, err := e.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		tzid := ""
		if p := e.GetProperty(ics.ComponentPropertyDtStart); p != nil && len(p.ICalParameters["TZID"]) == 1 {
			tzid = p.ICalParameters["TZID"][0]
		}
		got = append(got, event{
			Start: start.UTC(), TZID: tzid,
			Status:   prop(&e.ComponentBase, ics.ComponentPropertyStatus),
			URL:      prop(&e.ComponentBase, ics.ComponentPropertyUrl),
			Loc:      prop(&e.ComponentBase, ics.ComponentPropertyLocation),
			Sum:      prop(&e.ComponentBase, ics.ComponentPropertySummary),
			Desc:     prop(&e.ComponentBase, ics.ComponentPropertyDescription),
			Duration: prop(&e.ComponentBase, ics.ComponentPropertyDuration),
			Stamp:    prop(&e.ComponentBase, ics.ComponentPropertyDtstamp),
			Seq:      prop(&e.ComponentBase, ics.ComponentPropertySequence),
		})
		if h := start.In(paris); h.Hour() != 10 || h.Minute() != 0 || h.Weekday() != time.Monday {
			t.Errorf("event at %v, want Monday 10:00 Paris", h)
		}
	}
	ev := func(start, status, seq string) event {
		return event{Start: utc(t, start), TZID: "Europe/Paris", Status: status, URL: testVideo, Loc: testVideo,
			Sum: title, Desc: title + "\n" + testVideo, Duration: "PT1H", Stamp: "20270320T120000Z", Seq: seq}
	}
	want := []event{
		ev("2027-03-22T09:00:00Z", "CONFIRMED", "0"),
		ev("2027-03-29T08:00:00Z", "CANCELLED", "1"),
		ev("2027-04-05T08:00:00Z", "CONFIRMED", "0"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	tzs := cal.Timezones()
	if len(tzs) != 1 || prop(&tzs[0].ComponentBase, ics.ComponentPropertyTzid) != "Europe/Paris" {
		t.Fatalf("VTIMEZONE: %+v", tzs)
	}
	var obs []string
	for _, c := range tzs[0].Components {
		var kind string
		var base *ics.ComponentBase
		switch o := c.(type) {
		case *ics.Standard:
			kind, base = "STANDARD", &o.ComponentBase
		case *ics.Daylight:
			kind, base = "DAYLIGHT", &o.ComponentBase
		default:
			t.Fatalf("unexpected %T in VTIMEZONE", c)
		}
		obs = append(obs, strings.Join([]string{kind,
			prop(base, ics.ComponentPropertyDtStart),
			prop(base, ics.ComponentProperty(ics.PropertyTzoffsetfrom)),
			prop(base, ics.ComponentProperty(ics.PropertyTzoffsetto)),
			prop(base, ics.ComponentProperty(ics.PropertyTzname))}, " "))
	}
	wantObs := []string{
		"STANDARD 20261025T030000 +0200 +0100 CET",
		"DAYLIGHT 20270328T020000 +0100 +0200 CEST",
	}
	if diff := cmp.Diff(wantObs, obs); diff != "" {
		t.Errorf("observances (-want +got):\n%s", diff)
	}
}

// UIDs depend on the occurrence only, so a feed fetched later updates the
// same events instead of adding copies.
func TestICSStableUID(t *testing.T) {
	s := mustSchedule(t, "", "Europe/Paris")
	uids := func(from string) map[string]bool {
		out := map[string]bool{}
		for _, e := range parseICS(t, ICS(s, utc(t, from), 4, testVideo, "x", nil)).Events() {
			out[e.Id()] = true
		}
		return out
	}
	a, b := uids("2027-03-20T00:00:00Z"), uids("2027-03-27T00:00:00Z")
	shared := 0
	for id := range a {
		if b[id] {
			shared++
		}
	}
	if len(a) != 4 || shared != 3 {
		t.Errorf("uids %v and %v share %d, want 3", a, b, shared)
	}
}

func TestICSWindow(t *testing.T) {
	s := mustSchedule(t, "", "Europe/Paris")
	tests := []struct {
		name, from string
		count      int
		want       []string
	}{
		{"UnderwayStillListed", "2027-03-29T08:30:00Z", 2, []string{"2027-03-29T08:00:00Z", "2027-04-05T08:00:00Z"}},
		{"JustEnded", "2027-03-29T09:00:00Z", 1, []string{"2027-04-05T08:00:00Z"}},
		{"None", "2027-03-29T09:00:00Z", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range parseICS(t, ICS(s, utc(t, tt.from), tt.count, testVideo, "x", nil)).Events() {
				st, err := e.GetStartAt()
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, st.UTC().Format(time.RFC3339))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// A schedule in UTC needs no VTIMEZONE: times are written with Z.
func TestICSUTC(t *testing.T) {
	s, err := NewSchedule("0 10 * * MON", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	b := ICS(s, utc(t, "2027-03-27T00:00:00Z"), 1, testVideo, "", nil)
	if bytes.Contains(b, []byte("VTIMEZONE")) || !bytes.Contains(b, []byte("\r\nDTSTART:20270329T100000Z\r\n")) {
		t.Errorf("UTC feed:\n%s", b)
	}
	// Without a title there is no SUMMARY and the description is the link.
	if bytes.Contains(b, []byte("SUMMARY")) || !bytes.Contains(b, []byte("\r\nDESCRIPTION:"+testVideo+"\r\n")) {
		t.Errorf("untitled feed:\n%s", b)
	}
}

// RFC 5545 §3.1: CRLF line endings, lines of at most 75 octets, folded
// without breaking UTF-8, and unfolding restores the escaped value.
func TestICSFoldsLongLines(t *testing.T) {
	s := mustSchedule(t, "", "Europe/Paris")
	title := strings.Repeat("Réunion, très longue; ", 12) + "fin"
	b := ICS(s, utc(t, "2027-03-27T00:00:00Z"), 2, testVideo+"?room="+strings.Repeat("x", 100), title, nil)

	if bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) || !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatal("line endings are not all CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	folded := 0
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("fold split a UTF-8 sequence: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded == 0 {
		t.Fatal("no line was folded")
	}
	unfolded := strings.ReplaceAll(string(b), "\r\n ", "")
	if !strings.Contains(unfolded, "\r\nSUMMARY:"+escapeText(title)+"\r\n") {
		t.Errorf("unfolded SUMMARY not found in:\n%s", unfolded)
	}
	var sum string
	for _, e := range parseICS(t, b).Events() {
		sum = prop(&e.ComponentBase, ics.ComponentPropertySummary)
	}
	if sum != title {
		t.Errorf("parsed SUMMARY = %q, want %q", sum, title)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Short", "A:b", "A:b\r\n"},
		{"Exactly75", strings.Repeat("a", 75), strings.Repeat("a", 75) + "\r\n"},
		{"76", strings.Repeat("a", 76), strings.Repeat("a", 75) + "\r\n a\r\n"},
		{"ContinuationHolds74", strings.Repeat("a", 75+74+1),
			strings.Repeat("a", 75) + "\r\n " + strings.Repeat("a", 74) + "\r\n a\r\n"},
		{"NoSplitInRune", strings.Repeat("a", 74) + "é", strings.Repeat("a", 74) + "\r\n é\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			fold(&b, tt.in)
			if got := b.String(); got != tt.want {
				t.Errorf("fold = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a,b;c", `a\,b\;c`},
		{`back\slash`, `back\\slash`},
		{"two\nlines\r\nthree\rfour", `two\nlines\nthree\nfour`},
		{`\n literal`, `\\n literal`},
		{"https://x/?a=1", "https://x/?a=1"},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestICalValues(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{time.Hour, "PT1H"}, {90 * time.Minute, "PT1H30M"}, {45 * time.Minute, "PT45M"},
		{time.Hour + 5*time.Second, "PT1H5S"}, {0, "PT0S"},
	} {
		if got := icalDuration(tt.d); got != tt.want {
			t.Errorf("icalDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	for _, tt := range []struct {
		sec  int
		want string
	}{
		{3600, "+0100"}, {-5 * 3600, "-0500"}, {5*3600 + 1800, "+0530"}, {0, "+0000"}, {561, "+000921"},
	} {
		if got := icalOffset(tt.sec); got != tt.want {
			t.Errorf("icalOffset(%d) = %q, want %q", tt.sec, got, tt.want)
		}
	}
	if got := paramValue("Europe/Paris"); got != "Europe/Paris" {
		t.Errorf("paramValue = %q", got)
	}
	if got := paramValue("a:b"); got != `"a:b"` {
		t.Errorf("paramValue = %q", got)
	}
}
