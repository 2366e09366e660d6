// Package bottest provides in-memory fakes of the bot's adapter interfaces for adapter tests.
//
// The fakes are safe for concurrent use: adapters read them from their own
// goroutines while tests change and inspect them.
package bottest
