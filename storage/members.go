package storage

import (
	"fmt"

	"github.com/consentbot/consentbot/domain"
)

// Member returns the roster entry of name; ok is false for a non-member.
func (tx *Tx) Member(name string) (domain.Member, bool, error) {
	m, ok, err := get[domain.Member](tx.tx.Bucket(bucketMembers), []byte(domain.NormalizeName(name)))
	if err != nil {
		return m, false, fmt.Errorf("storage: member %s: %w", name, err)
	}
	return m, ok, nil
}

// Members returns the roster in name order.
func (tx *Tx) Members() ([]domain.Member, error) {
	return all[domain.Member](tx.tx.Bucket(bucketMembers))
}

// PutMember saves a roster entry.
func (tx *Tx) PutMember(m domain.Member) error {
	return put(tx.tx.Bucket(bucketMembers), []byte(m.Name), m)
}

// MemberOf returns the member bound to a platform account.
func (tx *Tx) MemberOf(platform, userID string) (string, bool) {
	b, _ := nested(tx.tx, false, bucketIdentities, []byte(platform), []byte("users"))
	if b == nil {
		return "", false
	}
	v := b.Get([]byte(userID))
	return string(v), v != nil
}

// UserOf returns the platform account bound to a member.
func (tx *Tx) UserOf(platform, member string) (string, bool) {
	b, _ := nested(tx.tx, false, bucketIdentities, []byte(platform), []byte("members"))
	if b == nil {
		return "", false
	}
	v := b.Get([]byte(member))
	return string(v), v != nil
}

// Bind ties a platform account to a member, both ways, replacing whatever
// either side was bound to before on that platform.
func (tx *Tx) Bind(platform, userID, member string) error {
	users, err := nested(tx.tx, true, bucketIdentities, []byte(platform), []byte("users"))
	if err != nil {
		return err
	}
	members, err := nested(tx.tx, true, bucketIdentities, []byte(platform), []byte("members"))
	if err != nil {
		return err
	}
	if old := members.Get([]byte(member)); old != nil && string(old) != userID {
		if err := users.Delete(old); err != nil {
			return err
		}
	}
	if old := users.Get([]byte(userID)); old != nil && string(old) != member {
		if err := members.Delete(old); err != nil {
			return err
		}
	}
	if err := users.Put([]byte(userID), []byte(member)); err != nil {
		return err
	}
	return members.Put([]byte(member), []byte(userID))
}

// UserOf is the bot.IdentityStore of adapters: the account bound to member.
func (db *DB) UserOf(platform, member string) (userID string, ok bool, err error) {
	err = db.View(func(tx *Tx) error {
		userID, ok = tx.UserOf(platform, member)
		return nil
	})
	return userID, ok, err
}
