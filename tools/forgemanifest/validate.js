#!/usr/bin/env node
// Runs Atlassian's own manifest validation on a Forge manifest: the full
// validate() of @forge/manifest, the checks `forge deploy` applies before
// it accepts an app. Remit generates manifest.yml from the Connect
// descriptor, so this is how the generator is held to Atlassian's rules
// rather than to our reading of them.
//
//   node validate.js path/to/manifest.yml
//
// prints {"success": bool, "errors": [{"level", "message", "reference",
// "line", "column"}]} on stdout and exits 1 when any error is reported.
// Resource paths are resolved against the manifest's directory, as the
// Forge CLI does, so the Custom UI pages must have been built.
'use strict';

const path = require('path');
const { validate } = require('@forge/manifest');

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: validate.js manifest.yml\n');
    process.exit(2);
  }
  const result = await validate(false, path.resolve(file));
  const errors = (result.errors || []).map((e) => ({
    level: e.level,
    message: e.message,
    reference: e.reference,
    line: e.line,
    column: e.column,
  }));
  process.stdout.write(JSON.stringify({ success: result.success, errors }, null, 2) + '\n');
  const failed = !result.success || errors.some((e) => e.level === 'error');
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + '\n');
  process.exit(2);
});
