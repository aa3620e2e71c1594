package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/remitapp/remit/internal/connect"
	"github.com/remitapp/remit/internal/forge"
)

// manifest writes the Forge manifest generated from atlassian-connect.json,
// so the descriptor stays the one source of the Connect modules.
func manifest(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	appKey := fs.String("app-key", forge.DefaultManifestAppKey, "Connect app key (app.connect.key)")
	baseURL := fs.String("base-url", forge.DefaultManifestBaseURL, "Remit's public base URL (the remote's baseUrl)")
	appID := fs.String("app-id", "", "Forge app ARI (ari:cloud:ecosystem::app/<uuid>); empty writes a placeholder")
	out := fs.String("o", "", "output file; empty writes to standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := forge.ManifestFromTemplate(connect.DescriptorTemplate, connect.RenderDescriptor, *appKey, *baseURL, forge.ManifestOptions{AppID: *appID})
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(data)
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	return nil
}
