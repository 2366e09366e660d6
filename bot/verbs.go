package bot

// verbAliases maps every accepted verb, English and French, to its canonical
// name. Both languages are always accepted, whatever the reply language.
var verbAliases = map[string]string{
	"propose": "propose", "proposer": "propose", "annoncer": "propose", "announce": "propose",
	"validate": "validate", "valider": "validate",
	"object": "object", "objecter": "object", "objection": "object",
	"concern": "concern", "remarque": "concern",
	"lift": "lift", "lever": "lift",
	"amend": "amend", "amender": "amend",
	"done": "done", "fait": "done",
	"withdraw": "withdraw", "retirer": "withdraw",
	"status": "status", "show": "status", "etat": "status", "état": "status", "voir": "status",
	"list": "list", "liste": "list",
	"todo": "todo", "afaire": "todo",
	"coopt": "coopt", "coopter": "coopt",
	"vote": "vote", "voter": "vote",
	"welcome": "welcome", "accueillir": "welcome",
	"members": "members", "membres": "members",
	"meeting": "meeting", "visio": "meeting", "reunion": "meeting", "réunion": "meeting",
	"log": "log", "journal": "log",
	"help": "help", "aide": "help",
}

// meetingAliases are the sub-verbs of `meeting`.
var meetingAliases = map[string]string{
	"add": "meeting_add", "ajouter": "meeting_add",
	"done": "meeting_done", "traite": "meeting_done", "traité": "meeting_done",
	"skip": "meeting_skip", "annuler": "meeting_skip",
	"minutes": "meeting_minutes", "compte-rendu": "meeting_minutes",
}

// Verbs is the canonical verbs in help order.
var Verbs = []string{
	"propose", "validate", "object", "concern", "lift", "amend", "done", "withdraw",
	"status", "list", "todo", "coopt", "vote", "welcome", "members",
	"meeting", "meeting_add", "meeting_done", "meeting_skip", "meeting_minutes", "log", "help",
}
