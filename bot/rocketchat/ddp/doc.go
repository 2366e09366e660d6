// Package ddp is a small client for Meteor's Distributed Data Protocol, the
// websocket protocol Rocket.Chat speaks at /websocket.
//
// It exists because the DDP library under the Rocket.Chat Go SDK races, cannot
// be stopped and re-subscribes without logging in again after a reconnect. A
// Conn here is one websocket session and nothing more: it never reconnects on
// its own. When the socket dies, Done is closed and the owner dials a new Conn,
// logs in and subscribes again, in that order.
//
// A Conn answers the server's pings, sends its own and treats a silent socket
// as dead; it is safe for concurrent use and every blocking call takes a
// context.
package ddp
