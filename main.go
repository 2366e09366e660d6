// Command consentbot lets a cooperative govern itself from its chat: consent
// on proposals, unanimous cooptation, a weekly meeting, and a decision log
// nobody can quietly rewrite. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // Europe/Paris must load on hosts without zone files
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr); err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "consentbot:", err)
		os.Exit(1)
	}
}

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg + "\n\n" + usage }

const usage = `usage: consentbot COMMAND [flags]

  console [--as NAME] [--db FILE] [--demo]   the bot in a terminal
  serve [--config FILE]                      the chat platforms, scheduler and HTTP server
  members add NAME --type TYPE [--council]   operator: roster (R18)
  members set NAME [--type TYPE] [--council=true|false]
  members list
  members link NAME --platform mattermost|rocketchat --user ID
  export --format md|csv|json [--since DATE] the decision log
  verify                                     check the log's hash chain
  backup FILE                                consistent copy of the database
  outbox [list] | outbox drop PLATFORM ID    what waits for delivery; drop what can never go
  mattermost register                        create or update /consent on the team

Every command takes --db FILE and --config FILE.`

// run is the whole program, testable: args without the program name.
func run(ctx context.Context, args, env []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"missing command"}
	}
	cmds := map[string]func(context.Context, []string, []string, io.Reader, io.Writer, io.Writer) error{
		"console":    runConsole,
		"serve":      runServe,
		"members":    runMembers,
		"export":     runExport,
		"verify":     runVerify,
		"backup":     runBackup,
		"outbox":     runOutbox,
		"mattermost": runMattermost,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintln(stdout, usage)
			return nil
		}
		return usageError{"unknown command " + args[0]}
	}
	return cmd(ctx, args[1:], env, stdin, stdout, stderr)
}
