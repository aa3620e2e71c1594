// Package remit is the module root. It holds the files that must live at
// the top of the repository, such as the Connect descriptor template, and
// exposes them to the packages that serve them.
package remit

import _ "embed"

// DescriptorTemplate is atlassian-connect.json as committed: the app
// descriptor with placeholder key and baseUrl. It is embedded so the
// binary serves exactly the reviewed file; connect.RenderDescriptor fills
// in the deployment's key and base URL.
//
//go:embed atlassian-connect.json
var DescriptorTemplate []byte
