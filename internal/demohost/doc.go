// Package demohost is the demo's stand-in for Jira's own pages: a
// simplified Jira (an issue view, a project page, the admin pages) served
// on the Jira simulator's server, which embeds an installed app's real
// iframes, signed with request tokens as Jira signs them, and talks to
// them through a stand-in Connect JavaScript API (all.js). A person sees
// the app the way a Jira user would; browser tests drive the same pages.
//
// The pages are not part of Jira's REST API, so the simulator
// (internal/jirasim) does not serve them by itself: whoever runs the demo
// (cmd/devstack, cmd/jirasim, the browser tests) calls Mount. The host
// reads the site through the simulator's exported API only (installed
// apps and their descriptors and secrets, users and admin grants, issues,
// projects, the clock and URL).
//
// URLs, below the simulator's URL:
//
//	GET  /_demo/all.js                           the stand-in Connect JS API
//	GET  /jira/{site}/browse/{key}               issue view (issue context panel)
//	GET  /jira/{site}/projects/{key}/remit       project page
//	GET  /jira/{site}/admin/remit                admin page
//	GET  /jira/{site}/admin/remit/get-started    post-install page
//	POST /jira/{site}/_demo/context-token        AP.context.getToken
//
// The host acts as one user: ?user=<accountId>, else the first user with
// global ADMINISTER. Query parameters on every page: app (app key; default
// the first installed app with the module), user, lic (active|none,
// default active), staleTokens (hand the iframe that many already-expired
// context tokens first, to exercise a client's refresh path).
package demohost
