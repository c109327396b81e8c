// Command zoomqos collects Zoom meeting participants' QoS samples into a
// local database and tells what went wrong in a call, after the fact. The
// command line is internal/cli; this file only runs it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/zoomqos/zoomqos/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, version, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
