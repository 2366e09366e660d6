package meeting

import (
	"slices"
	"time"
)

// Agenda is what the next meeting will go through (SPEC R21). The caller
// fills it from the state; the bot renders it. Fields are plain data so the
// renderer needs nothing from the packages that own proposals and
// cooptations.
type Agenda struct {
	Occurrence  time.Time // UTC
	Blocked     []BlockedItem
	Stalled     []Item
	Cooptations []OpenCooptation
	Done        []DoneItem
	Points      []Point
}

// Empty reports whether there is nothing to discuss, so the renderer can say
// so rather than print empty headings.
func (a Agenda) Empty() bool {
	return len(a.Blocked) == 0 && len(a.Stalled) == 0 && len(a.Cooptations) == 0 &&
		len(a.Done) == 0 && len(a.Points) == 0
}

// Item is a proposal on the agenda.
type Item struct {
	ID    string // "P3"
	Title string
}

// BlockedItem is a proposal held by open objections.
type BlockedItem struct {
	ID         string
	Title      string
	Objections []Objection
}

// Objection is an open objection, with who raised it and why.
type Objection struct {
	By     string
	Reason string
}

// OpenCooptation is a vote still open, with the electors who have not voted.
type OpenCooptation struct {
	ID        string // "C2"
	Candidate string
	Type      string // member type the candidate would get
	Missing   []string
}

// DoneItem is a proposal marked done, with its documentation.
type DoneItem struct {
	ID    string
	Title string
	Doc   string // URL or text
	At    time.Time
}

// DoneSince returns the items done strictly after since, oldest first: the
// "done since the last meeting" section, where since is the last held
// occurrence (a Due with Held set). A zero since keeps everything, for a
// cooperative that has not met yet. The input is not modified.
func DoneSince(items []DoneItem, since time.Time) []DoneItem {
	var out []DoneItem
	for _, it := range items {
		if it.At.After(since) {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b DoneItem) int { return a.At.Compare(b.At) })
	return out
}
