package mattermost

// texts are the adapter's own words (button and dialog labels, errors of the
// HTTP layer). Everything else comes already translated from the bot.
type texts struct {
	buttons map[string]string // verb → button label

	dialogTitle  map[string]string // verb → title format (%s = subject), ≤ 24 bytes
	dialogLabel  map[string]string // verb → field label
	dialogHelp   map[string]string // verb → help text
	dialogSubmit map[string]string // verb → submit label

	forged        string
	dialogFailed  string // %s = the equivalent command
	stateInvalid  string
	stateExpired  string
	stateReplayed string
	stateOther    string

	commandDesc string
	commandHint string
}

var allTexts = map[string]texts{
	"en": {
		buttons: map[string]string{
			"validate": "Validate", "object": "Object…", "concern": "Concern…",
			"lift": "Lift", "vote_yes": "Vote yes", "vote_no": "Vote no…",
		},
		dialogTitle: map[string]string{"object": "Object to %s", "concern": "Concern on %s", "vote_no": "Vote no on %s"},
		dialogLabel: map[string]string{"object": "Reason", "concern": "Remark", "vote_no": "Reason"},
		dialogHelp: map[string]string{
			"object":  "A reasoned objection blocks the proposal until you lift it: say why.",
			"concern": "A remark does not block the proposal.",
			"vote_no": "A single no rejects the cooptation: say why.",
		},
		dialogSubmit:  map[string]string{"object": "Object", "concern": "Send", "vote_no": "Vote no"},
		forged:        "This button is not valid. Use the /consent command instead.",
		dialogFailed:  "The form could not be opened. Type instead: /consent %s",
		stateInvalid:  "This form is not valid. Click the button again.",
		stateExpired:  "This form has expired. Click the button again.",
		stateReplayed: "This form was already sent.",
		stateOther:    "This form was opened by someone else.",
		commandDesc:   "Consent-based governance: proposals, objections, cooptations, meetings, log",
		commandHint:   "propose|validate|object|concern|lift|status|list|todo|vote|meeting|log|help …",
	},
	"fr": {
		buttons: map[string]string{
			"validate": "Valider", "object": "Objecter…", "concern": "Remarque…",
			"lift": "Lever", "vote_yes": "Voter oui", "vote_no": "Voter non…",
		},
		dialogTitle: map[string]string{"object": "Objecter à %s", "concern": "Remarque sur %s", "vote_no": "Voter non à %s"},
		dialogLabel: map[string]string{"object": "Raison", "concern": "Remarque", "vote_no": "Raison"},
		dialogHelp: map[string]string{
			"object":  "Une objection argumentée bloque la proposition jusqu'à ce que vous la leviez : dites pourquoi.",
			"concern": "Une remarque ne bloque pas la proposition.",
			"vote_no": "Un seul non rejette la cooptation : dites pourquoi.",
		},
		dialogSubmit:  map[string]string{"object": "Objecter", "concern": "Envoyer", "vote_no": "Voter non"},
		forged:        "Ce bouton n'est pas valide. Utilisez plutôt la commande /consent.",
		dialogFailed:  "Le formulaire n'a pas pu s'ouvrir. Tapez plutôt : /consent %s",
		stateInvalid:  "Ce formulaire n'est pas valide. Cliquez de nouveau sur le bouton.",
		stateExpired:  "Ce formulaire a expiré. Cliquez de nouveau sur le bouton.",
		stateReplayed: "Ce formulaire a déjà été envoyé.",
		stateOther:    "Ce formulaire a été ouvert par quelqu'un d'autre.",
		commandDesc:   "Gouvernance par consentement : propositions, objections, cooptations, visio, journal",
		commandHint:   "proposer|valider|objecter|remarque|lever|etat|liste|afaire|voter|visio|journal|aide …",
	},
}

// textsFor returns the texts of lang, French by default (the configuration's default).
func textsFor(lang string) texts {
	if t, ok := allTexts[lang]; ok {
		return t
	}
	return allTexts["fr"]
}
