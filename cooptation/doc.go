// Package cooptation provides the unanimous cooptation of SPEC R12–R17: who
// may open one, who votes, when it is accepted, rejected or expired, who is
// reminded, and who welcomes the newcomer.
//
// Like the other rule packages it does no I/O and never reads the clock.
package cooptation
