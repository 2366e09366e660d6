package console

import "github.com/consentbot/consentbot/domain"

// DemoRoster is SPEC §4's demo roster for `console --demo`: alice and bob
// (societaire, council), carol (societaire), dave (operationnel), erin
// (bienfaiteur). Tests use it too.
func DemoRoster() []domain.Member {
	return []domain.Member{
		{Name: "alice", Type: domain.Societaire, Council: true},
		{Name: "bob", Type: domain.Societaire, Council: true},
		{Name: "carol", Type: domain.Societaire},
		{Name: "dave", Type: domain.Operationnel},
		{Name: "erin", Type: domain.Bienfaiteur},
	}
}
