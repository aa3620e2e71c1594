#!/usr/bin/env node
// Reference oracle for Remit's Connect JWT code. Reads one JSON document
// on stdin and answers it with Atlassian's own atlassian-jwt library:
//
//   {"canonical": [{"method", "url", "baseUrl"}],
//    "verify":    [{"token", "secret", "method", "url", "baseUrl"}],
//    "sign":      [{"payload", "secret"}]}
//
// and prints {"canonical": [{"canonical", "qsh"}],
//             "verify": [{"ok", "error", "payload", "qshMatches"}],
//             "sign": [{"token"}]} on stdout.
'use strict';

const jwt = require('atlassian-jwt');

function canonical(c) {
  const req = jwt.fromMethodAndUrl(c.method, c.url);
  return {
    canonical: jwt.createCanonicalRequest(req, false, c.baseUrl || ''),
    qsh: jwt.createQueryStringHash(req, false, c.baseUrl || ''),
  };
}

function verify(c) {
  try {
    const payload = jwt.decodeSymmetric(c.token, c.secret, jwt.SymmetricAlgorithm.HS256);
    let qshMatches;
    if (payload.qsh === 'context-qsh') {
      qshMatches = 'context';
    } else {
      const req = jwt.fromMethodAndUrl(c.method, c.url);
      qshMatches = payload.qsh === jwt.createQueryStringHash(req, false, c.baseUrl || '') ? 'request' : 'mismatch';
    }
    return { ok: true, payload, qshMatches };
  } catch (e) {
    return { ok: false, error: String(e && e.message) };
  }
}

function sign(c) {
  return { token: jwt.encodeSymmetric(c.payload, c.secret, jwt.SymmetricAlgorithm.HS256) };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const doc = JSON.parse(input);
  const out = {
    canonical: (doc.canonical || []).map(canonical),
    verify: (doc.verify || []).map(verify),
    sign: (doc.sign || []).map(sign),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
});
