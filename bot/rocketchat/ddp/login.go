package ddp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// LoginResult is the result of Meteor's "login" method.
type LoginResult struct {
	UserID string `json:"id"`
	Token  string `json:"token"`
}

// LoginResume logs in with a resume token. Rocket.Chat personal access tokens
// are resume tokens.
func (c *Conn) LoginResume(ctx context.Context, token string) (LoginResult, error) {
	return c.login(ctx, map[string]any{"resume": token})
}

// LoginPassword logs in with a username and password, sent as a SHA-256
// digest as Meteor's accounts-password expects.
func (c *Conn) LoginPassword(ctx context.Context, username, password string) (LoginResult, error) {
	sum := sha256.Sum256([]byte(password))
	return c.login(ctx, map[string]any{
		"user":     map[string]string{"username": username},
		"password": map[string]string{"digest": hex.EncodeToString(sum[:]), "algorithm": "sha-256"},
	})
}

func (c *Conn) login(ctx context.Context, param map[string]any) (LoginResult, error) {
	raw, err := c.Call(ctx, "login", param)
	if err != nil {
		return LoginResult{}, fmt.Errorf("ddp: login: %w", err)
	}
	var r LoginResult
	if err := json.Unmarshal(raw, &r); err != nil || r.UserID == "" {
		return LoginResult{}, fmt.Errorf("ddp: login: unexpected result %s", raw)
	}
	return r, nil
}
