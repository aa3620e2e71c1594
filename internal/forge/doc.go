// Package forge is Remit's side of the Forge platform: it verifies the
// Forge Invocation Tokens (FITs) that Atlassian sends with every remote
// call, event and trigger, keeps the signing keys from the JWKS, and
// generates the Forge manifest from the Connect descriptor so that the
// descriptor stays the one source of truth for Connect modules.
//
// Connect ends in December 2026 and no Connect-only app can be installed
// from the Marketplace any more, so every new site reaches Remit through
// Forge; sites that installed the Connect app keep their data because
// tenants carry the Forge installationId and cloudId next to the clientKey.
package forge
