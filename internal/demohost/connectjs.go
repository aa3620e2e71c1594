package demohost

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// connectJS is the demo host's stand-in for Atlassian's Connect JavaScript
// API (all.js). Loaded inside an app's iframe, it talks to the demo host
// page the way the real one does: by postMessage to the parent window,
// whose origin Jira passes in the xdm_e query parameter. It implements the
// calls Remit's pages make: AP.context.getToken, AP.context.getContext,
// AP.resize, AP.sizeToParent, AP.navigator.go/reload and AP.flag.create.
const connectJS = `(function () {
  "use strict";
  var q = new URLSearchParams(window.location.search);
  var host = q.get("xdm_e");
  if (!host || window.parent === window) { return; }
  var seq = 0, pending = {};
  window.addEventListener("message", function (ev) {
    if (ev.origin !== host || ev.source !== window.parent) { return; }
    var m = ev.data;
    if (m && m.type === "remit-ap-reply" && pending[m.id]) {
      var cb = pending[m.id];
      delete pending[m.id];
      cb(m.result);
    }
  });
  function call(method, args, cb) {
    var id = ++seq;
    if (cb) { pending[id] = cb; }
    window.parent.postMessage({ type: "remit-ap", id: id, method: method, args: args || {} }, host);
  }
  function contentHeight() {
    return Math.ceil(document.documentElement.getBoundingClientRect().height) + "px";
  }
  window.AP = {
    context: {
      getToken: function (cb) { call("getToken", {}, cb); },
      getContext: function (cb) {
        cb({ jira: { issue: { key: q.get("issueKey") }, project: { key: q.get("projectKey") } } });
      }
    },
    resize: function (width, height) {
      call("resize", { width: width || "100%", height: height || contentHeight() });
    },
    sizeToParent: function () { call("sizeToParent", {}); },
    navigator: {
      go: function (target, context) { call("navigate", { target: target, context: context || {} }); },
      reload: function () { call("navigate", { target: "reload", context: {} }); }
    },
    flag: {
      create: function (opts) {
        call("flag", opts || {});
        return { close: function () {} };
      }
    }
  };
})();
`

// serveConnectJS serves the stand-in all.js. Like the real script on
// Atlassian's CDN it is cacheable for a short while and revalidated by
// ETag after that.
func serveConnectJS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("ETag", connectJSETag)
	if r.Header.Get("If-None-Match") == connectJSETag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write([]byte(connectJS))
}

// connectJSETag names this build's stand-in all.js.
var connectJSETag = func() string {
	sum := sha256.Sum256([]byte(connectJS))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()
