package rocketchat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// apiError is a refusal by the Rocket.Chat REST API.
type apiError struct {
	Endpoint  string
	Status    int
	ErrorType string // "error-not-allowed", …
	Message   string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("rocketchat: %s: %d %s %s", e.Endpoint, e.Status, e.ErrorType, e.Message)
}

// transient reports whether err is worth retrying later: a network error, a
// 5xx or a 429. A 4xx refusal is not.
func transient(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	return err != nil && !errors.Is(err, context.Canceled)
}

// refusal reports whether err is a lasting refusal by the server (not worth
// retrying) carrying one of the error codes. Rocket.Chat reports some as
// errorType and others, thrown as plain Errors, only as error.
func refusal(err error, codes ...string) bool {
	var ae *apiError
	if !errors.As(err, &ae) || transient(err) || ae.Status == http.StatusUnauthorized {
		return false
	}
	for _, code := range codes {
		if ae.ErrorType == code || strings.Contains(ae.Message, code) {
			return true
		}
	}
	return false
}

// roomRefused reports whether the server refuses the bot's messages in a room
// for good: the room is gone, the bot is not (or no longer) in it, it is
// archived or blocked.
func roomRefused(err error) bool {
	return refusal(err, "error-not-allowed", "error-room-not-found", "error-invalid-room",
		"room_is_archived", "room_is_blocked")
}

// noAccount reports whether err says that a user does not exist on the
// server (im.create or users.info).
func noAccount(err error) bool {
	return refusal(err, "error-invalid-user", "User not found")
}

// restClient is a thin JSON client for /api/v1. Bodies are built with
// encoding/json (the SDK's Send uses fmt.Sprintf, which breaks on quotes and
// newlines). 5xx, 429 and network errors are retried with capped backoff,
// honouring Retry-After and X-RateLimit-Reset.
type restClient struct {
	base     string // https://chat.example.org/api/v1/
	http     *http.Client
	retry    backoff
	attempts int           // tries per call
	maxWait  time.Duration // cap on a server-requested wait
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
	log      *slog.Logger

	// user and password, when set, let the client log in (and again after a 401).
	user, password string

	mu            sync.Mutex
	userID, token string
}

// credentials returns the current user id and token.
func (c *restClient) credentials() (string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.userID, c.token
}

// login obtains a token with the configured user and password.
func (c *restClient) login(ctx context.Context) error {
	if c.user == "" {
		return errors.New("rocketchat: no token and no user/password to log in with")
	}
	var out struct {
		Data struct {
			UserID    string `json:"userId"`
			AuthToken string `json:"authToken"`
		} `json:"data"`
	}
	body := map[string]string{"user": c.user, "password": c.password}
	if err := c.do(ctx, http.MethodPost, "login", nil, body, &out, false); err != nil {
		return err
	}
	c.mu.Lock()
	c.userID, c.token = out.Data.UserID, out.Data.AuthToken
	c.mu.Unlock()
	return nil
}

func (c *restClient) get(ctx context.Context, endpoint string, q url.Values, out any) error {
	return c.do(ctx, http.MethodGet, endpoint, q, nil, out, true)
}

func (c *restClient) post(ctx context.Context, endpoint string, body, out any) error {
	return c.do(ctx, http.MethodPost, endpoint, nil, body, out, true)
}

func (c *restClient) do(ctx context.Context, method, endpoint string, q url.Values, body, out any, auth bool) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("rocketchat: %s: %w", endpoint, err)
		}
	}
	relogged := false
	for attempt := 0; ; attempt++ {
		wait, err := c.once(ctx, method, endpoint, q, payload, out, auth)
		if err == nil {
			return nil
		}
		var ae *apiError
		if auth && !relogged && c.user != "" && errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
			relogged = true
			if lerr := c.login(ctx); lerr != nil {
				return fmt.Errorf("%w (login again: %v)", err, lerr)
			}
			attempt--
			continue
		}
		if !transient(err) || attempt+1 >= c.attempts || ctx.Err() != nil {
			return err
		}
		if wait <= 0 {
			wait = c.retry.delay(attempt)
		}
		c.log.Debug("rocketchat_rest_retry", "endpoint", endpoint, "attempt", attempt+1, "wait", wait, "err", err)
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// once makes one request. wait is what the server asked us to wait, if any.
func (c *restClient) once(ctx context.Context, method, endpoint string, q url.Values, payload []byte, out any, auth bool) (wait time.Duration, err error) {
	u := c.base + endpoint
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, fmt.Errorf("rocketchat: %s: %w", endpoint, err)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		uid, tok := c.credentials()
		req.Header.Set("X-User-Id", uid)
		req.Header.Set("X-Auth-Token", tok)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("rocketchat: %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, fmt.Errorf("rocketchat: %s: read: %w", endpoint, err)
	}
	if resp.StatusCode/100 != 2 {
		ae := &apiError{Endpoint: endpoint, Status: resp.StatusCode}
		var e struct {
			Error     string `json:"error"`
			ErrorType string `json:"errorType"`
			Message   string `json:"message"`
		}
		if json.Unmarshal(data, &e) == nil {
			ae.ErrorType, ae.Message = e.ErrorType, cmpOr(e.Error, e.Message)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			wait = min(retryAfter(resp.Header, c.now()), c.maxWait)
		}
		return wait, ae
	}
	var ok struct {
		Success *bool  `json:"success"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(data, &ok) == nil && ok.Success != nil && !*ok.Success {
		return 0, &apiError{Endpoint: endpoint, Status: resp.StatusCode, Message: ok.Error}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return 0, fmt.Errorf("rocketchat: %s: decode: %w", endpoint, err)
		}
	}
	return 0, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// retryAfter reads how long a 429 asks to wait: Retry-After (seconds or an
// HTTP date), else X-RateLimit-Reset (Rocket.Chat sends an epoch in ms).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return t.Sub(now)
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			switch {
			case n > 1e12: // epoch milliseconds
				return time.UnixMilli(n).Sub(now)
			case n > 1e9: // epoch seconds
				return time.Unix(n, 0).Sub(now)
			default: // seconds from now
				return time.Duration(n) * time.Second
			}
		}
	}
	return 0
}
