package bot

// Internals the external tests (package bot_test) read.
var (
	VerbAliases    = verbAliases
	MeetingAliases = meetingAliases
)
