// Command elhub-ferretdb is test tooling only: it embeds FerretDB 1.24 as a
// library with its SQLite backend so the integration tests have a real
// MongoDB wire-protocol server on loopback (see docs/MONGODB.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (loopback only)")
	dir := flag.String("dir", "", "existing directory for the SQLite data files")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "elhub-ferretdb: -dir is required")
		os.Exit(2)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Println("elhub-ferretdb listening on", *listen, "URI", f.MongoDBURI())
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
