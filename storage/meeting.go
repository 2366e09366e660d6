package storage

import (
	"time"

	"github.com/consentbot/consentbot/meeting"
)

// MeetingState is what the meeting needs to remember between runs.
type MeetingState struct {
	Points    meeting.Points
	Cancelled map[string]string // occurrence (RFC 3339, UTC) → reason
	Minutes   map[string]string // occurrence (RFC 3339, UTC) → URL or text
	LastHeld  time.Time         // the last occurrence that took place (and ended)
	Current   time.Time         // the occurrence in progress, rolled when it ends
	LastRun   time.Time         // the scheduler's last tick: jobs in (LastRun, now] are due
}

var keyMeetingState = []byte("state")

// Meeting loads the meeting's state.
func (tx *Tx) Meeting() (MeetingState, error) {
	s, _, err := get[MeetingState](tx.tx.Bucket(bucketMeeting), keyMeetingState)
	if s.Cancelled == nil {
		s.Cancelled = map[string]string{}
	}
	if s.Minutes == nil {
		s.Minutes = map[string]string{}
	}
	return s, err
}

// PutMeeting saves the meeting's state.
func (tx *Tx) PutMeeting(s MeetingState) error {
	return put(tx.tx.Bucket(bucketMeeting), keyMeetingState, s)
}

// DueDone reports whether the scheduled job key already ran; if not, it
// records it as run in this transaction. What the job posts is queued in the
// same transaction, so a job runs once even across restarts and overlapping
// ticks.
func (tx *Tx) DueDone(key string) (bool, error) {
	b := tx.tx.Bucket(bucketMeeting).Bucket(bucketDue)
	if b.Get([]byte(key)) != nil {
		return true, nil
	}
	return false, b.Put([]byte(key), []byte(tx.now.Format(time.RFC3339)))
}

// DueSeen reports, without writing, whether the scheduled job key ran.
func (tx *Tx) DueSeen(key string) bool {
	return tx.tx.Bucket(bucketMeeting).Bucket(bucketDue).Get([]byte(key)) != nil
}
