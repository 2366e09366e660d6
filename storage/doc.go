// Package storage provides consentbot's state on one bbolt file: members and
// their chat identities, proposals, cooptations, the meeting's state, the
// append-only hash-chained decision log, and the outbox of messages the
// platform adapters still have to deliver.
//
// One command is one Update: the rule is applied to the loaded items, the
// items are saved, the log entries appended and the outgoing messages queued,
// all or nothing (R27: nothing is announced that was not committed). Network
// I/O never happens inside a transaction.
//
// The bucket tree (keys of numbered items are 8-byte big-endian):
//
//	meta/
//	    schema            → uint64 schema version (see migrate.go)
//	    secrets/<name>    → random key (adapter HMAC keys)
//	    marks/<name>      → a value an adapter keeps across restarts (catch-up point)
//	members/<name>        → memberRecord
//	identities/<platform>/
//	    users/<user id>   → member name
//	    members/<name>    → user id
//	proposals/<id>        → proposalRecord
//	cooptations/<id>      → cooptationRecord
//	seen/<member>/<subject> → time the member looked at the item (for todo)
//	homes/<subject>       → Home: platform and channel where the item was opened
//	meeting/
//	    state             → meetingRecord (points, cancelled occurrences, minutes, last run)
//	    due/<key>         → time a scheduled job ran (idempotency of reminders)
//	log/<seq>             → Entry (append-only, hash-chained)
//	outbox/<platform>/<seq> → Message
//	cards/<platform>/<channel>\x00<subject> → platform post id
//	handled/<platform>/<day>/<message id> → chat messages already handled (handled.go)
//
// Values returned by bbolt are only valid inside their transaction: every
// record is decoded (copied) before the transaction ends.
package storage
