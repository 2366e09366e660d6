// Package e2e holds the end-to-end suites that run consentbot against a real
// Mattermost server (see mmtest and mattermost-server/). They run when
// CONSENTBOT_E2E_MATTERMOST_URL is set, as .ci/run does.
package e2e
