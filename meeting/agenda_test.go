package meeting

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// R21: the "done since the last meeting" section keeps what was done after
// the last held occurrence, oldest first.
func TestDoneSince(t *testing.T) {
	lastHeld := utc(t, "2027-03-22T09:00:00Z")
	items := []DoneItem{
		{ID: "P4", Title: "wiki", Doc: "https://wiki/p4", At: utc(t, "2027-03-25T10:00:00Z")},
		{ID: "P1", Title: "old", Doc: "https://wiki/p1", At: utc(t, "2027-03-20T10:00:00Z")},
		{ID: "P2", Title: "during", Doc: "https://wiki/p2", At: lastHeld},
		{ID: "P3", Title: "after", Doc: "https://wiki/p3", At: utc(t, "2027-03-22T09:30:00Z")},
	}
	tests := []struct {
		name  string
		since string
		want  []string
	}{
		{"SinceLastHeld", "2027-03-22T09:00:00Z", []string{"P3", "P4"}},
		{"NeverMet", "", []string{"P1", "P2", "P3", "P4"}},
		{"NothingNew", "2027-03-29T08:00:00Z", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since := lastHeld
			if tt.since == "" {
				since = since.AddDate(-2000, 0, 0)
			} else {
				since = utc(t, tt.since)
			}
			var got []string
			for _, it := range DoneSince(items, since) {
				got = append(got, it.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DoneSince (-want +got):\n%s", diff)
			}
		})
	}
	if items[0].ID != "P4" {
		t.Error("DoneSince reordered its input")
	}
}

func TestAgendaEmpty(t *testing.T) {
	if !(Agenda{Occurrence: utc(t, "2027-03-29T08:00:00Z")}).Empty() {
		t.Error("agenda with no items is not Empty")
	}
	if (Agenda{Points: []Point{{N: 1, Text: "x"}}}).Empty() {
		t.Error("agenda with a point is Empty")
	}
	if (Agenda{Cooptations: []OpenCooptation{{ID: "C1", Candidate: "frank", Type: "operationnel", Missing: []string{"bob"}}}}).Empty() {
		t.Error("agenda with a cooptation is Empty")
	}
}
