package proposals

import "strings"

// Topics that need a council validation (R3), by canonical name, with the
// French aliases users may type.
var councilTopics = map[string]string{
	"budget":      "budget",
	"billing":     "billing",
	"facturation": "billing",
	"offer":       "offer",
	"offre":       "offer",
	"social-code": "social-code",
	"code-social": "social-code",
}

// NormalizeTopic gives the canonical name of a topic: the English name of the
// council topics whatever language was typed, other topics in lower case.
func NormalizeTopic(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if c, ok := councilTopics[t]; ok {
		return c
	}
	return t
}

// NeedsCouncil is R3: budget, billing, offer and social-code need one of the
// validations to come from a council member.
func NeedsCouncil(topic string) bool {
	_, ok := councilTopics[NormalizeTopic(topic)]
	return ok && topic != ""
}

// ValidTopic reports whether t can be a topic: one word of 1 to 32 letters,
// digits or '-'.
func ValidTopic(t string) bool {
	if t == "" || len(t) > 32 {
		return false
	}
	for _, r := range t {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
