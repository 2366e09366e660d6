// Package proposals provides the consent rules of a proposal (SPEC R1–R11):
// who may validate, object, lift, amend, mark done or withdraw, and when a
// proposal is approved, blocked or stalled.
//
// Methods change the Proposal in place and return the decision-log events of
// the change, or a *domain.Error and no change at all. The package does no I/O
// and never reads the clock: callers pass now.
package proposals
