// The peer of Remit's POST /webhooks/jira on atlassian-connect-express
// (ACE), the official Node framework for Connect apps, with its PostgreSQL
// store (Sequelize). It does the same work per delivery as Remit:
//   1. ACE's addon.authenticate() verifies the request token: tenant by
//      iss from the store, HS256, exp, and the qsh of this exact request;
//   2. the delivery id (X-Atlassian-Webhook-Identifier) is recorded once
//      per tenant: a primary-key conflict means a repeat, answered 204;
//   3. a job row carrying the payload is inserted in the same transaction.
// Tenants are written straight into ACE's AddonSettings table by the
// driver (bench/cmd/webhookpeer), since a signed install would need
// Atlassian's key server.
//
// Environment: PORT, AC_LOCAL_BASE_URL, DB_URL (postgres://…),
// ACE_WORKERS (node processes behind one port; default 1, as ACE's
// template runs), ACE_POOL_MAX (database connections per process).
"use strict";

const cluster = require("node:cluster");
const workers = Math.max(1, parseInt(process.env.ACE_WORKERS || "1", 10));

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (w, code) => {
    if (code !== 0) process.exit(code);
  });
} else {
  serve();
}

function serve() {
  process.env.NODE_ENV = "production";
  const express = require("express");
  const ace = require("atlassian-connect-express");

  const app = express();
  app.set("env", "production");
  app.use(express.json({ limit: "1mb" }));

  const quiet = { info() {}, warn() {}, error: console.error };
  // ACE_POOL_MAX sizes Sequelize's pool, so the driver can give both
  // apps the same number of database connections.
  const poolMax = parseInt(process.env.ACE_POOL_MAX || "10", 10);
  const overrides = { production: { store: { pool: { max: poolMax, min: Math.min(2, poolMax) } } } };
  const addon = ace(app, { config: overrides }, quiet);
  const db = addon.schema; // ACE's Sequelize instance on DB_URL

  const ready = (async () => {
    await addon.settings.connectionPromise;
    await db.query(`CREATE TABLE IF NOT EXISTS ace_webhook_deliveries (
      client_key text NOT NULL, identifier text NOT NULL, event text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (client_key, identifier))`);
    await db.query(`CREATE TABLE IF NOT EXISTS ace_jobs (
      id bigserial PRIMARY KEY, kind text NOT NULL, client_key text NOT NULL, identifier text NOT NULL,
      payload jsonb NOT NULL, state text NOT NULL DEFAULT 'available', created_at timestamptz NOT NULL DEFAULT now())`);
  })();

  app.get("/healthz", async (req, res) => {
    try {
      await ready;
      res.status(200).json({ status: "ok" });
    } catch (e) {
      res.status(503).json({ status: String(e) });
    }
  });

  app.post("/webhooks/jira", addon.authenticate(), async (req, res) => {
    const clientKey = req.context.clientKey;
    const id = req.get("X-Atlassian-Webhook-Identifier");
    const event = req.body && req.body.webhookEvent;
    if (!event) return res.status(400).json({ title: "body must be a JSON webhook with webhookEvent" });
    if (!id || id.length > 256) return res.status(400).json({ title: "X-Atlassian-Webhook-Identifier is required" });
    try {
      await db.transaction(async transaction => {
        const [rows] = await db.query(
          `INSERT INTO ace_webhook_deliveries (client_key, identifier, event) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING identifier`,
          { bind: [clientKey, id, event], transaction });
        if (rows.length === 0) return; // a repeat: already enqueued
        await db.query(
          `INSERT INTO ace_jobs (kind, client_key, identifier, payload) VALUES ('webhook', $1, $2, $3)`,
          { bind: [clientKey, id, JSON.stringify(req.body)], transaction });
      });
      res.status(204).end();
    } catch (e) {
      console.error("webhook failed", e.message);
      res.status(500).json({ title: "internal error" });
    }
  });

  const port = parseInt(process.env.PORT, 10);
  ready.then(() => app.listen(port, "127.0.0.1"), e => { console.error(e); process.exit(1); });
}
