package connect

import _ "embed" // for the descriptor template

// DescriptorTemplate is atlassian-connect.json as committed beside this
// file: the app descriptor with placeholder key and baseUrl. It is
// embedded so the binary serves exactly the reviewed file; RenderDescriptor
// fills in the deployment's key and base URL, and the Forge manifest is
// generated from it (`make manifest`).
//
//go:embed atlassian-connect.json
var DescriptorTemplate []byte
