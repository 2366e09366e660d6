package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/consentbot/consentbot/domain"
	"github.com/consentbot/consentbot/storage"
)

func runMembers(ctx context.Context, args, env []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"members: add, set or list"}
	}
	verb, args := args[0], args[1:]
	rawArgs := args
	var name string
	if verb == "add" || verb == "set" || verb == "link" {
		if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
			return usageError{"members " + verb + ": missing NAME"}
		}
		name, args = domain.NormalizeName(args[0]), args[1:]
		if !domain.ValidName(name) {
			return usageError{"members " + verb + ": invalid name " + strconv.Quote(name)}
		}
	}
	fs, c := newFlags("members "+verb, stderr)
	typ := fs.String("type", "", "societaire|operationnel|bienfaiteur (full|operational|benefactor)")
	var council optBool
	fs.Var(&council, "council", "member of the council (--council, --council=false)")
	platform := fs.String("platform", "", "link: mattermost or rocketchat")
	user := fs.String("user", "", "link: the account's user id on that platform")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	var m domain.Member
	switch verb {
	case "list":
	case "link":
		if (*platform != "mattermost" && *platform != "rocketchat") || *user == "" {
			return usageError{"members link NAME --platform mattermost|rocketchat --user ID"}
		}
	case "add", "set":
		if m, err = memberFlags(name, *typ, council, verb == "add"); err != nil {
			return err
		}
	default:
		return usageError{"members: unknown verb " + verb}
	}
	full := append([]string{"members", verb}, rawArgs...)
	return operate(ctx, cfg, full, stdout, func(db *storage.DB) error {
		switch verb {
		case "list":
			return listMembers(db, stdout)
		case "link":
			return db.Update(func(tx *storage.Tx) error {
				return linkMember(tx, name, *platform, *user)
			})
		}
		return db.Update(func(tx *storage.Tx) error {
			old, exists, err := tx.Member(name)
			if err != nil {
				return err
			}
			if verb == "add" {
				if exists {
					return fmt.Errorf("%s is already a member (use members set)", name)
				}
				m.Since = tx.Now()
				return addMember(tx, m)
			}
			if !exists {
				return fmt.Errorf("%s is not a member (use members add)", name)
			}
			return setMember(tx, old, m, *typ != "", council.set)
		})
	})
}

// optBool is a boolean flag that remembers whether it was given, so that
// `members set` changes only what the operator named.
type optBool struct{ set, value bool }

func (b *optBool) String() string   { return strconv.FormatBool(b.value) }
func (b *optBool) IsBoolFlag() bool { return true }
func (b *optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	b.set, b.value = true, v
	return err
}

func memberFlags(name, typ string, council optBool, needType bool) (domain.Member, error) {
	m := domain.Member{Name: name, Council: council.value}
	if typ == "" {
		if needType {
			return m, usageError{"members add: --type is required"}
		}
	} else {
		t, ok := domain.ParseMemberType(typ)
		if !ok {
			return m, usageError{"--type: unknown type " + strconv.Quote(typ)}
		}
		m.Type = t
	}
	return m, nil
}

// addMember puts a new member on the roster, logged as an operator entry (R18).
func addMember(tx *storage.Tx, m domain.Member) error {
	if m.Council && m.Type != domain.Societaire {
		return fmt.Errorf("the council is a subset of the societaires: %s is %s", m.Name, m.Type)
	}
	if err := tx.PutMember(m); err != nil {
		return err
	}
	text := string(m.Type)
	if m.Council {
		text += ", council"
	}
	return tx.Append(domain.Event{Actor: domain.ActorOperator, Kind: domain.MemberAdded, Subject: m.Name, Text: text})
}

// setMember changes the type or the council flag, logged (R18).
func setMember(tx *storage.Tx, old, m domain.Member, setType, setCouncil bool) error {
	next := old
	if setType {
		next.Type = m.Type
	}
	if setCouncil {
		next.Council = m.Council
	}
	if next.Council && next.Type != domain.Societaire {
		return fmt.Errorf("the council is a subset of the societaires: %s is %s", next.Name, next.Type)
	}
	if next == old {
		return fmt.Errorf("nothing to change for %s", old.Name)
	}
	if err := tx.PutMember(next); err != nil {
		return err
	}
	text := fmt.Sprintf("%s → %s", describe(old), describe(next))
	return tx.Append(domain.Event{Actor: domain.ActorOperator, Kind: domain.MemberChanged, Subject: next.Name, Text: text})
}

func describe(m domain.Member) string {
	if m.Council {
		return string(m.Type) + ", council"
	}
	return string(m.Type)
}

func listMembers(db *storage.DB, w io.Writer) error {
	return db.View(func(tx *storage.Tx) error {
		roster, err := tx.Members()
		if err != nil {
			return err
		}
		for _, m := range roster {
			fmt.Fprintf(w, "%-20s %s\n", m.Name, describe(m))
		}
		return nil
	})
}

// linkMember binds a chat account to a member, for a member who uses a
// second platform (the bot binds the first account by username itself).
// The change is logged as an operator entry, so nobody is linked unseen.
func linkMember(tx *storage.Tx, name, platform, userID string) error {
	if _, ok, err := tx.Member(name); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("%s is not a member", name)
		}
		return err
	}
	if err := tx.Bind(platform, userID, name); err != nil {
		return err
	}
	return tx.Append(domain.Event{Actor: domain.ActorOperator, Kind: domain.MemberChanged, Subject: name, Text: platform + " account " + userID + " linked"})
}
