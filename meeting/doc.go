// Package meeting provides the weekly meeting of the cooperative as pure
// domain logic: its schedule in a time zone, the reminders that come due
// before it, the agenda built from the state, localized dates and an iCalendar
// feed.
//
// The package does no I/O and never reads the clock: every function that
// depends on the time takes it as an argument (usually named now), so the
// scheduler, the console's :wait and the tests all drive it the same way.
// Instants are handled and returned in UTC (SPEC R22); the configured zone
// only matters when computing occurrences and when showing them to people.
//
// Errors a member can cause (an unknown agenda point, say) are *Error values
// carrying a stable Code and Params for the bot's message catalog.
package meeting
