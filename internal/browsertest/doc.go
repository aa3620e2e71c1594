// Package browsertest drives Remit's pages in a real headless Chromium
// (Debian's chromium, installed by scripts/deps.sh) through the Chrome
// DevTools protocol: the whole stack runs (PostgreSQL, the Jira simulator
// and Remit), the simulator's demo host embeds Remit's iframes as Jira
// does, and the tests read, click and type inside those iframes, save a
// screenshot per test and run an axe accessibility check.
package browsertest
