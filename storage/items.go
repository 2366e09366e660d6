package storage

import (
	"fmt"
	"time"

	"github.com/consentbot/consentbot/cooptation"
	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/proposals"
)

// Proposal loads Pn; an unknown id is a user-safe error.
func (tx *Tx) Proposal(id int) (*proposals.Proposal, error) {
	p, ok, err := get[*proposals.Proposal](tx.tx.Bucket(bucketProposals), itob(uint64(id)))
	if err != nil {
		return nil, fmt.Errorf("storage: proposal %d: %w", id, err)
	}
	if !ok {
		return nil, domain.E("err.unknown_item", "ID", proposals.Subject(id))
	}
	return p, nil
}

// PutProposal saves Pn.
func (tx *Tx) PutProposal(p *proposals.Proposal) error {
	return put(tx.tx.Bucket(bucketProposals), itob(uint64(p.ID)), p)
}

// NewProposalID reserves the next proposal number.
func (tx *Tx) NewProposalID() (int, error) {
	n, err := tx.tx.Bucket(bucketProposals).NextSequence()
	return int(n), err
}

// Proposals returns every proposal, oldest first.
func (tx *Tx) Proposals() ([]*proposals.Proposal, error) {
	return all[*proposals.Proposal](tx.tx.Bucket(bucketProposals))
}

// Cooptation loads Cn; an unknown id is a user-safe error.
func (tx *Tx) Cooptation(id int) (*cooptation.Cooptation, error) {
	c, ok, err := get[*cooptation.Cooptation](tx.tx.Bucket(bucketCooptations), itob(uint64(id)))
	if err != nil {
		return nil, fmt.Errorf("storage: cooptation %d: %w", id, err)
	}
	if !ok {
		return nil, domain.E("err.unknown_item", "ID", cooptation.Subject(id))
	}
	return c, nil
}

// PutCooptation saves Cn.
func (tx *Tx) PutCooptation(c *cooptation.Cooptation) error {
	return put(tx.tx.Bucket(bucketCooptations), itob(uint64(c.ID)), c)
}

// NewCooptationID reserves the next cooptation number.
func (tx *Tx) NewCooptationID() (int, error) {
	n, err := tx.tx.Bucket(bucketCooptations).NextSequence()
	return int(n), err
}

// Cooptations returns every cooptation, oldest first.
func (tx *Tx) Cooptations() ([]*cooptation.Cooptation, error) {
	return all[*cooptation.Cooptation](tx.tx.Bucket(bucketCooptations))
}

// MarkSeen records that member looked at subject (for `todo`).
func (tx *Tx) MarkSeen(member, subject string) error {
	b, err := nested(tx.tx, true, bucketSeen, []byte(member))
	if err != nil {
		return err
	}
	return b.Put([]byte(subject), []byte(tx.now.Format(time.RFC3339)))
}

// Seen reports whether member looked at subject.
func (tx *Tx) Seen(member, subject string) bool {
	b, _ := nested(tx.tx, false, bucketSeen, []byte(member))
	return b != nil && b.Get([]byte(subject)) != nil
}

// Home is where an item was opened: its card lives there.
type Home struct {
	Platform string
	Channel  string
}

// SetHome records where subject was opened.
func (tx *Tx) SetHome(subject string, h Home) error {
	b, err := nested(tx.tx, true, bucketHomes)
	if err != nil {
		return err
	}
	return put(b, []byte(subject), h)
}

// Home returns where subject was opened.
func (tx *Tx) Home(subject string) (Home, bool, error) {
	b, err := nested(tx.tx, false, bucketHomes)
	if err != nil || b == nil {
		return Home{}, false, err
	}
	return get[Home](b, []byte(subject))
}
