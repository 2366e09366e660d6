package meeting

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// icalWriter writes RFC 5545 content lines: CRLF endings, folded at 75
// octets, since calendar clients are strict about both.
type icalWriter struct {
	buf bytes.Buffer
}

// line writes a property whose value is already in its wire form (dates,
// URIs, durations, escaped text).
func (w *icalWriter) line(name, value string) {
	fold(&w.buf, name+":"+value)
}

// text writes a TEXT property, escaping its value.
func (w *icalWriter) text(name, value string) {
	w.line(name, escapeText(value))
}

// fold writes s as one content line, split so that no physical line exceeds
// 75 octets (RFC 5545 §3.1). Continuation lines start with a space that
// counts toward their 75. A split never falls inside a UTF-8 sequence, which
// would leave both halves invalid for clients that decode line by line.
func fold(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

var textEscaper = strings.NewReplacer(
	`\`, `\\`,
	`;`, `\;`,
	`,`, `\,`,
	"\r\n", `\n`,
	"\n", `\n`,
	"\r", `\n`,
)

// escapeText escapes a TEXT value (RFC 5545 §3.3.11): backslashes,
// semicolons, commas and newlines would otherwise end or split the value.
func escapeText(s string) string {
	return textEscaper.Replace(s)
}

// paramValue quotes a parameter value when it holds a character that would
// end the parameter (RFC 5545 §3.2); a double quote cannot appear at all.
func paramValue(s string) string {
	s = strings.ReplaceAll(s, `"`, "")
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}
