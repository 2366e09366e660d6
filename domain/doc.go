// Package domain provides the words shared by the governance rules: members
// and their types, the user-safe error, and the decision-log events that the
// rule packages (proposals, cooptation, meeting) return for storage to append.
//
// Like the rule packages it does no I/O and never reads the clock.
package domain
