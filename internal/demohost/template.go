package demohost

import "html/template"

// pageTemplate renders the demo host pages: Jira's top bar, a project or
// admin sidebar, and the page body with the app's iframe. The script at
// the end is the host half of the stand-in Connect JS API.
var pageTemplate = template.Must(template.New("demo").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - Jira</title>
<style>
*{box-sizing:border-box}
body{margin:0;font:14px/20px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans",Ubuntu,"Helvetica Neue",sans-serif;color:#172B4D;background:#fff}
a{color:#0C66E4;text-decoration:none}a:hover{text-decoration:underline}
.top{height:56px;display:flex;align-items:center;gap:16px;padding:0 16px;border-bottom:1px solid #DCDFE4;background:#fff;position:sticky;top:0;z-index:2}
.logo{display:flex;align-items:center;gap:8px;font-weight:653;font-size:16px;color:#172B4D}
.logo i{display:inline-block;width:24px;height:24px;border-radius:4px;background:linear-gradient(135deg,#0C66E4,#1D7AFC)}
.top nav a{color:#44546F;font-weight:500;margin-right:12px}
.top .search{margin-left:auto;width:240px;height:32px;border:1px solid #8590A2;border-radius:3px;padding:0 8px;color:#626F86;display:flex;align-items:center}
.avatar{width:28px;height:28px;border-radius:50%;background:#6E5DC6;color:#fff;font-size:12px;font-weight:600;display:flex;align-items:center;justify-content:center}
.shell{display:flex;min-height:calc(100vh - 56px)}
.side{width:240px;flex:none;background:#F7F8F9;border-right:1px solid #DCDFE4;padding:16px 8px}
.side h2{font-size:14px;margin:0 8px 4px;font-weight:600}.side small{display:block;margin:0 8px 16px;color:#626F86}
.side a{display:block;padding:6px 8px;border-radius:3px;color:#44546F;font-weight:500}
.side a.on{background:#E9F2FF;color:#0C66E4}
.main{flex:1;min-width:0;padding:24px 40px}
.crumbs{color:#626F86;font-size:14px;margin-bottom:8px}.crumbs a{color:#626F86}
h1{font-size:24px;line-height:28px;font-weight:653;margin:0 0 16px}
.cols{display:flex;gap:32px;align-items:flex-start}
.left{flex:1;min-width:0}
.right{width:380px;flex:none}
.status{display:inline-flex;align-items:center;height:32px;padding:0 12px;border-radius:3px;background:#DCDFE4;font-weight:600;margin-bottom:16px}
.box{border:1px solid #DCDFE4;border-radius:3px;margin-bottom:16px}
.box>header{display:flex;align-items:center;gap:8px;padding:10px 12px;font-weight:600;border-bottom:1px solid #DCDFE4}
.box>header img{width:20px;height:20px}
.box dl{display:grid;grid-template-columns:120px 1fr;gap:10px 8px;margin:0;padding:12px}
.box dt{color:#626F86}.box dd{margin:0}
.panel{padding:8px 12px}
h3{font-size:14px;margin:16px 0 8px;font-weight:600}
.desc{color:#172B4D}.desc p{margin:0 0 8px}
.adf-table{border-collapse:collapse;margin:8px 0 12px}.adf-table th,.adf-table td{border:1px solid #DCDFE4;padding:4px 8px;text-align:left;vertical-align:top}
.adf-table th{background:#F7F8F9;font-weight:600}.adf-table td p,.adf-table th p{margin:0}
.adf-panel{background:#E9F2FF;border-radius:3px;padding:8px 12px;margin:8px 0}
iframe{display:block;width:100%;border:0;height:120px}
.flags{position:fixed;left:24px;bottom:24px;display:flex;flex-direction:column;gap:8px;z-index:5}
.flag{width:360px;background:#fff;border-radius:3px;box-shadow:0 8px 12px #091E4226,0 0 1px #091E424F;padding:16px}
.flag strong{display:block}
.missing{padding:16px;background:#FFF7D6;border-radius:3px}
</style>
</head>
<body>
<header class="top">
  <a class="logo" href="{{.SitePath}}/browse/{{with .Projects}}{{(index . 0).Key}}-1{{end}}"><i aria-hidden="true"></i>Jira</a>
  <nav aria-label="Jira"><a href="#">Your work</a><a href="#">Projects</a><a href="#">Filters</a><a href="{{.SitePath}}/admin/remit">Apps</a></nav>
  <div class="search" aria-hidden="true">Search</div>
  <div class="avatar" title="{{.User.DisplayName}}" aria-label="Signed in as {{.User.DisplayName}}">{{if .User.DisplayName}}{{slice .User.DisplayName 0 1}}{{end}}</div>
</header>
<div class="shell">
{{if or (eq .Kind "issue") (eq .Kind "project")}}
<aside class="side" aria-label="Project">
  <h2>{{.Project.Name}}</h2><small>Software project</small>
  <a href="#">Board</a><a href="#">Issues</a>
  {{if .Module.Key}}{{if eq .Kind "project"}}<a class="on" href="{{.SitePath}}/projects/{{.Project.Key}}/remit">{{.Module.Name}}</a>{{else}}<a href="{{.SitePath}}/projects/{{.Project.Key}}/remit">Invoices</a>{{end}}{{end}}
  <a href="#">Project settings</a>
</aside>
{{else}}
<aside class="side" aria-label="Apps">
  <h2>Apps</h2><small>Administration</small>
  <a href="#">Explore apps</a><a href="#">Manage apps</a>
  <a {{if eq .Kind "admin"}}class="on" {{end}}href="{{.SitePath}}/admin/remit">Remit settings</a>
  <a {{if eq .Kind "get-started"}}class="on" {{end}}href="{{.SitePath}}/admin/remit/get-started">Get started with Remit</a>
</aside>
{{end}}
<main class="main">
{{if eq .Kind "issue"}}
  <div class="crumbs"><a href="#">Projects</a> / <a href="{{.SitePath}}/projects/{{.Project.Key}}/remit">{{.Project.Name}}</a> / <a href="{{.SitePath}}/browse/{{.Issue.Key}}">{{.Issue.Key}}</a></div>
  <h1>{{.Issue.Summary}}</h1>
  <div class="cols">
    <div class="left">
      <h3>Description</h3>
      <div class="desc">{{with .DescriptionHTML}}{{.}}{{else}}<p>Add a description…</p>{{end}}</div>
    </div>
    <div class="right">
      <div class="status">{{.Issue.Status}}</div>
      <section class="box" aria-label="Details"><header>Details</header>
        <dl><dt>Type</dt><dd>{{.Issue.IssueType}}</dd><dt>Labels</dt><dd>{{range .Issue.Labels}}{{.}} {{else}}None{{end}}</dd><dt>Worklogs</dt><dd>{{.Issue.Worklogs}}</dd></dl>
      </section>
      {{if .FrameURL}}
      <section class="box" aria-label="{{.Module.Name}}"><header>{{if .IconURL}}<img src="{{.IconURL}}" alt="">{{end}}{{.Module.Name}}</header>
        <div class="panel"><iframe id="app-frame" name="{{.FrameName}}" title="{{.Module.Name}}" src="{{.FrameURL}}"></iframe></div>
      </section>
      {{else}}<p class="missing">{{.NoApp}}</p>{{end}}
    </div>
  </div>
{{else}}
  {{if eq .Kind "project"}}<div class="crumbs"><a href="#">Projects</a> / {{.Project.Name}}</div>{{end}}
  {{if .FrameURL}}<iframe id="app-frame" name="{{.FrameName}}" title="{{.Module.Name}}" src="{{.FrameURL}}"></iframe>{{else}}<p class="missing">{{.NoApp}}</p>{{end}}
{{end}}
</main>
</div>
<div class="flags" id="flags" role="status" aria-live="polite"></div>
{{if .FrameURL}}
<script>
(function () {
  "use strict";
  var cfg = {{.Config}};
  var stale = cfg.staleTokens || 0;
  var demo = window.remitDemo = { tokensIssued: 0, staleIssued: 0, resizes: 0, flags: [], navigations: [] };
  var frame = document.getElementById("app-frame");
  function reply(ev, id, result) { ev.source.postMessage({ type: "remit-ap-reply", id: id, result: result }, ev.origin); }
  function showFlag(o) {
    demo.flags.push(o);
    var el = document.createElement("div");
    el.className = "flag";
    var t = document.createElement("strong"); t.textContent = o.title || "";
    var b = document.createElement("div"); b.textContent = o.body || "";
    el.appendChild(t); el.appendChild(b);
    document.getElementById("flags").appendChild(el);
    setTimeout(function () { el.remove(); }, 8000);
  }
  window.addEventListener("message", function (ev) {
    if (ev.origin !== cfg.appOrigin || ev.source !== frame.contentWindow) { return; }
    var m = ev.data;
    if (!m || m.type !== "remit-ap") { return; }
    var a = m.args || {};
    switch (m.method) {
    case "getToken":
      var expired = stale > 0;
      if (expired) { stale--; }
      fetch(cfg.tokenUrl, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ app: cfg.app, user: cfg.user, expired: expired }) })
        .then(function (r) { return r.json(); })
        .then(function (j) { demo.tokensIssued++; if (expired) { demo.staleIssued++; } reply(ev, m.id, j.token); });
      break;
    case "resize":
      demo.resizes++;
      if (a.height) { frame.style.height = /^\d+$/.test(String(a.height)) ? a.height + "px" : a.height; }
      break;
    case "sizeToParent":
      frame.style.height = Math.max(200, window.innerHeight - frame.getBoundingClientRect().top - 24) + "px";
      break;
    case "navigate":
      demo.navigations.push(a);
      var c = a.context || {};
      if (a.target === "issue" && c.issueKey) { window.location.href = cfg.sitePath + "/browse/" + encodeURIComponent(c.issueKey); }
      else if (a.target === "addonModule") { window.location.href = cfg.sitePath + "/admin/remit"; }
      else if (a.target === "reload") { window.location.reload(); }
      break;
    case "flag":
      showFlag(a);
      break;
    }
  });
})();
</script>
{{end}}
</body>
</html>
`))
