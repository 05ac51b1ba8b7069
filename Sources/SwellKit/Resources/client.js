// Swell's live-reload client, injected into every HTML page Swell serves.
// It listens on /__swell/events: `reload` reloads the page, `update` swaps stylesheets and
// images in place. Silent except for console lines prefixed with [swell].
//
// Browsers allow six HTTP/1.1 connections per host, so tabs share one stream per browser:
// through a SharedWorker (/__swell/worker.js) where there is one; else one tab, elected with
// Web Locks, holds the stream and relays it on a BroadcastChannel; else each page has its own.
(function () {
  "use strict";
  // A second copy on the same page (injected twice, or loaded by hand as well) does nothing.
  if (window.__swell) return;
  // mode: "shared-worker", "leader" or "page"; lastId: the newest event this page has seen;
  // holder: whether this tab holds the stream for the others (leader mode).
  var swell = (window.__swell = { mode: null, instance: null, lastId: null, holder: false, connections: 0 });

  // @swell-shared

  // The server says which extensions make an `update` (SWELL_STYLESHEETS, SWELL_IMAGES).
  function extensionPattern(extensions) {
    return new RegExp("\\.(" + extensions.join("|") + ")$", "i");
  }
  var IMAGE = extensionPattern(SWELL_IMAGES);
  var CSS = extensionPattern(SWELL_STYLESHEETS);
  var reloading = false;

  function log() {
    var parts = Array.prototype.slice.call(arguments);
    console.log.apply(console, ["[swell]"].concat(parts));
  }

  function reloadPage(reason) {
    if (reloading) return;
    reloading = true;
    log("reloading:", reason);
    location.reload();
  }

  function pathsOf(data) {
    try {
      return JSON.parse(data).paths || [];
    } catch (error) {
      return [];
    }
  }

  // The same-origin path of a URL, as the server writes it in events; null for other origins.
  function pathOf(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.origin === location.origin ? parsed.pathname : null;
    } catch (error) {
      return null;
    }
  }

  function bust(url) {
    var parsed = new URL(url, location.href);
    parsed.searchParams.set("swell", String(Date.now()));
    return parsed.href;
  }

  function stylesheets() {
    return Array.prototype.filter.call(document.querySelectorAll("link[rel~='stylesheet'][href]"), function (link) {
      return !link.__swellReplaced;
    });
  }

  // The new sheet goes in right after the old one (order kept); the old one leaves only once
  // the new one has loaded, so the page never shows unstyled content.
  function swapStylesheet(link) {
    var next = link.cloneNode(false);
    next.href = bust(link.href);
    link.__swellReplaced = true;
    next.addEventListener("load", function () { link.remove(); });
    next.addEventListener("error", function () {
      next.remove();
      link.__swellReplaced = false;
    });
    link.parentNode.insertBefore(next, link.nextSibling);
  }

  function refreshStylesheets(paths) {
    var all = stylesheets();
    var matching = all.filter(function (link) { return paths.indexOf(pathOf(link.href)) >= 0; });
    // No direct match: the sheet arrives through @import, so refresh every sheet.
    (matching.length ? matching : all).forEach(swapStylesheet);
    log("updated stylesheets:", paths.join(", "));
  }

  function bustSrcset(srcset, paths) {
    return srcset.split(",").map(function (candidate) {
      var parts = candidate.trim().split(/\s+/);
      if (parts[0] && paths.indexOf(pathOf(parts[0])) >= 0) parts[0] = bust(parts[0]);
      return parts.join(" ");
    }).join(", ");
  }

  function refreshImages(paths) {
    document.querySelectorAll("img, source").forEach(function (element) {
      var src = element.getAttribute("src");
      if (src && paths.indexOf(pathOf(src)) >= 0) element.setAttribute("src", bust(src));
      var srcset = element.getAttribute("srcset");
      if (srcset) element.setAttribute("srcset", bustSrcset(srcset, paths));
    });
    // CSS backgrounds come from stylesheets: refreshing them re-fetches the image.
    stylesheets().forEach(swapStylesheet);
    log("updated images:", paths.join(", "));
  }

  function update(paths) {
    var sheets = paths.filter(function (path) { return CSS.test(path); });
    var images = paths.filter(function (path) { return IMAGE.test(path); });
    if (images.length) {
      refreshImages(images);
    } else if (sheets.length) {
      refreshStylesheets(sheets);
    }
  }

  // The build (--exec): a "building…" badge once a build has run for 300 ms, and an overlay
  // with the output of a failed one. Both live in shadow roots styled by constructed
  // stylesheets, and their text is only ever set as text: a strict Content-Security-Policy
  // allows them, and markup in a compiler's error is shown, never parsed.
  var build = { overlay: null, badge: null, badgeTimer: null };

  function sheet(css) {
    try {
      var constructed = new CSSStyleSheet();
      constructed.replaceSync(css);
      return [constructed];
    } catch (error) {
      return [];
    }
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function shadowHost(tag, css) {
    var host = document.createElement(tag);
    var shadow = host.attachShadow({ mode: "open" });
    shadow.adoptedStyleSheets = sheet(css);
    (document.body || document.documentElement).appendChild(host);
    return { host: host, shadow: shadow };
  }

  var OVERLAY_CSS = ":host{all:initial;position:fixed;inset:0;z-index:2147483647;display:block;background:rgba(20,20,24,.72);" +
    "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#eee}" +
    ".panel{box-sizing:border-box;margin:5vh auto;max-width:min(960px,94vw);max-height:90vh;overflow:auto;background:#1b1b1f;" +
    "border-top:4px solid #e5484d;border-radius:6px;padding:18px 22px;box-shadow:0 12px 40px rgba(0,0,0,.5)}" +
    "h1{font:600 16px/1.3 system-ui,sans-serif;margin:0 0 12px;color:#ff8589}" +
    "button{float:right;font:600 13px system-ui,sans-serif;background:#333;color:#eee;border:1px solid #555;border-radius:4px;padding:4px 10px;cursor:pointer}" +
    "ul{margin:0 0 14px;padding:0;list-style:none}li{margin:4px 0}.where{color:#ffd479}" +
    "pre{margin:0;white-space:pre-wrap;word-break:break-word;background:#111;padding:12px;border-radius:4px;color:#ddd}" +
    ".hint{margin-top:10px;font:12px system-ui,sans-serif;color:#999}" +
    "pre.code{margin:6px 0 10px;padding:8px 0;white-space:pre;overflow-x:auto}pre.code span{display:block;padding:0 12px}" +
    "pre.code .hit{background:#3d1f22;color:#fff}pre.code .n{display:inline;padding:0;color:#777}";
  var BADGE_CSS = ":host{all:initial;position:fixed;right:12px;bottom:12px;z-index:2147483647;display:block}" +
    "span{font:600 12px/1 system-ui,sans-serif;color:#fff;background:rgba(30,30,36,.88);padding:7px 10px;border-radius:14px;" +
    "box-shadow:0 2px 8px rgba(0,0,0,.3)}";

  function dismissKey() { return "swell:dismissed-build"; }

  function isDismissed(status) {
    try { return sessionStorage.getItem(dismissKey()) === swell.instance + ":" + status.run; } catch (error) { return false; }
  }

  function dismiss(status) {
    try { sessionStorage.setItem(dismissKey(), swell.instance + ":" + status.run); } catch (error) { /* hidden for this page only */ }
    removeOverlay();
  }

  function removeOverlay() {
    if (build.overlay) build.overlay.remove();
    build.overlay = null;
  }

  function showOverlay(status) {
    removeOverlay();
    if (isDismissed(status)) return;
    var parts = shadowHost("swell-error-overlay", OVERLAY_CSS);
    var panel = element("div", undefined, "panel");
    var close = element("button", "Close (Esc)");
    close.type = "button";
    close.addEventListener("click", function () { dismiss(status); });
    panel.appendChild(close);
    var exit = status.exit === null || status.exit === undefined ? "" : " (exit " + status.exit + ")";
    panel.appendChild(element("h1", "Build failed" + exit));
    var diagnostics = status.diagnostics || [];
    if (diagnostics.length) {
      var list = element("ul");
      diagnostics.forEach(function (diagnostic) {
        var item = element("li");
        var where = diagnostic.file + ":" + diagnostic.line + (diagnostic.column ? ":" + diagnostic.column : "");
        item.appendChild(element("span", where, "where"));
        item.appendChild(document.createTextNode(" " + diagnostic.message));
        var excerpt = diagnostic.excerpt;
        if (excerpt && excerpt.lines && excerpt.lines.length) {
          // The file's lines around the error, numbered, the error's own line marked: text only.
          var code = element("pre", undefined, "code");
          var width = String(excerpt.first + excerpt.lines.length - 1).length;
          excerpt.lines.forEach(function (text, offset) {
            var number = excerpt.first + offset;
            var row = element("span", undefined, number === diagnostic.line ? "hit" : undefined);
            row.appendChild(element("span", (Array(width + 1).join(" ") + number).slice(-width) + " \u2502 ", "n"));
            row.appendChild(document.createTextNode(text));
            code.appendChild(row);
          });
          item.appendChild(code);
        }
        list.appendChild(item);
      });
      panel.appendChild(list);
    }
    panel.appendChild(element("pre", status.output || "(the build printed nothing)"));
    panel.appendChild(element("div", "Fix the error and save: the page reloads once the build succeeds.", "hint"));
    parts.shadow.appendChild(panel);
    build.overlay = parts.host;
    build.overlay.__swellStatus = status;
    log("build failed" + exit + "; the error is shown on the page");
  }

  function hideBadge() {
    clearTimeout(build.badgeTimer);
    build.badgeTimer = null;
    if (build.badge) build.badge.remove();
    build.badge = null;
  }

  function showBuild(status) {
    if (!status || !status.state) return;
    if (status.state === "running") {
      if (build.badge || build.badgeTimer) return;
      build.badgeTimer = setTimeout(function () {
        build.badgeTimer = null;
        var parts = shadowHost("swell-build-badge", BADGE_CSS);
        parts.shadow.appendChild(element("span", "building\u2026"));
        build.badge = parts.host;
      }, 300);
      return;
    }
    hideBadge();
    if (status.state === "failed") showOverlay(status);
    else if (status.state === "ok") removeOverlay();
  }

  addEventListener("keydown", function (event) {
    if (event.key === "Escape" && build.overlay) dismiss(build.overlay.__swellStatus);
  });

  // Event ids are "<instance>.<sequence>": an event is new unless this page has seen it or a
  // later one of the same instance (a tab taking over a shared stream may replay some).
  function isNew(id) {
    if (!id || !swell.lastId) return true;
    var a = id.split("."), b = swell.lastId.split(".");
    return a[0] !== b[0] || Number(a[1]) > Number(b[1]);
  }

  var sharing = {
    "shared-worker": "one connection for every tab (SharedWorker)",
    leader: "one connection for every tab (a tab elected with Web Locks relays it)",
    page: "one connection per tab (no SharedWorker or Web Locks here)"
  };

  // Back and forward navigations may show the page from the HTTP cache without asking the
  // server. The tab remembers the newest event id at each load of this URL; a copy shown from
  // history while the id has moved on may be stale, so it reloads.
  var cacheChecked = false;
  function checkCachedCopy(current) {
    if (cacheChecked) return;
    cacheChecked = true;
    var key = "swell:" + location.pathname + location.search;
    try {
      var navigation = performance.getEntriesByType("navigation")[0];
      var seen = sessionStorage.getItem(key);
      if (navigation && navigation.type === "back_forward" && seen !== null && seen !== String(current)) {
        reloadPage("changed since this copy was cached");
        return;
      }
      sessionStorage.setItem(key, String(current));
    } catch (error) { /* storage unavailable: nothing to compare */ }
  }

  // Every message, whichever way it came: {type: "hello" | "reload" | "update" | "joined" | "log", ...}.
  function receive(message) {
    switch (message.type) {
      case "hello":
        var info = {};
        try { info = JSON.parse(message.data); } catch (error) { /* keep the defaults */ }
        if (swell.instance === null) {
          swell.instance = info.server;
          log("live reload on (Swell " + info.version + "): " + sharing[swell.mode]);
        } else if (info.server !== swell.instance) {
          reloadPage("the server restarted");
        }
        if (info.build) showBuild(info.build);
        break;
      case "build":
        try { showBuild(JSON.parse(message.data)); } catch (error) { /* a garbled status changes nothing */ }
        break;
      case "reload":
      case "update":
        if (!isNew(message.id)) return;
        if (message.id) swell.lastId = message.id;
        if (message.type === "reload") {
          reloadPage(message.reason || pathsOf(message.data).join(", ") || "requested");
        } else {
          update(pathsOf(message.data));
        }
        break;
      case "joined":
        swell.lastId = message.lastId;
        checkCachedCopy(message.lastId);
        break;
      case "log":
        log(message.text);
        break;
    }
  }

  // This page's own stream (leader and per-page modes): a hello is followed by the newest
  // event id this page knows, as the worker does for its pages.
  function openPageStream(pages, deliver) {
    return openStream({
      pages: pages,
      lastId: function () { return swell.lastId; },
      onOpen: function () { swell.connections += 1; },
      deliver: function (message) {
        if (message.type !== "hello") return deliver(message);
        deliver({ type: "hello", data: message.data });
        deliver({ type: "joined", lastId: swell.lastId || message.info.last || null });
      }
    });
  }

  function startSharedWorker(fallback) {
    var worker = new SharedWorker("/__swell/worker.js", { name: "swell" });
    var port = worker.port;
    var answered = false;
    swell.mode = "shared-worker";
    // The worker's script could not start (a Content-Security-Policy, a proxy): share another way.
    worker.addEventListener("error", function () {
      if (answered) return;
      port.close();
      log("the SharedWorker did not start");
      fallback();
    });
    port.addEventListener("message", function (event) {
      answered = true;
      receive(event.data || {});
    });
    port.start();
    function join(restored) {
      port.postMessage({ type: "join", lastId: swell.lastId, restored: restored });
    }
    addEventListener("pagehide", function (event) { port.postMessage({ type: "leave", cached: event.persisted }); });
    addEventListener("pageshow", function (event) { if (event.persisted) join(true); });
    join(false);
  }

  // The fallback without SharedWorker: the tab holding the "swell" Web Lock holds the stream
  // and relays it on a BroadcastChannel. When it goes, the lock passes to a waiting tab,
  // which resumes from the last event id it saw, so no event is lost in between.
  function startLeaderElection() {
    var channel = new BroadcastChannel("swell");
    var self = Math.random().toString(36).slice(2);
    var leading = null; // {stream, pages, release} while this tab holds the stream
    var waiting = null; // aborts this tab's place in the queue for the lock
    var reportTimer = null;
    swell.mode = "leader";

    function send(message) {
      channel.postMessage(message);
    }

    function relay(message) {
      send(message);
      receive(message);
      if (message.type === "hello") countPages();
    }

    function countPages() {
      clearTimeout(reportTimer);
      reportTimer = setTimeout(function () {
        if (leading) reportPages(leading.stream.client, leading.pages.size);
      }, 50);
    }

    function lead() {
      return new Promise(function (release) {
        leading = { pages: new Set([self]), release: release, stream: null };
        swell.holder = true;
        send({ type: "roll-call" });
        leading.stream = openPageStream(function () { return leading.pages.size; }, relay);
      });
    }

    function queueForLock() {
      waiting = new AbortController();
      navigator.locks.request("swell-stream", { signal: waiting.signal }, lead).catch(function () {});
    }

    function resign() {
      if (!leading) return;
      leading.stream.close();
      leading.release();
      leading = null;
      swell.holder = false;
    }

    function join(restored) {
      send({ type: "join", from: self, lastId: swell.lastId, restored: restored });
    }

    channel.addEventListener("message", function (event) {
      var message = event.data || {};
      if (message.to && message.to !== self) return;
      if (!leading) {
        if (message.type === "roll-call") join(false);
        else receive(message);
        return;
      }
      if (message.type === "join") {
        leading.pages.add(message.from);
        if (message.restored && message.lastId !== swell.lastId) {
          send({ type: "reload", data: "{\"paths\":[]}", id: null, reason: "changed while in the back/forward cache", to: message.from });
        }
        // Without a hello yet, the tab learns both once the stream answers.
        if (leading.stream.hello !== null) {
          send({ type: "hello", data: leading.stream.hello, to: message.from });
          send({ type: "joined", lastId: swell.lastId, to: message.from });
          if (leading.stream.build !== null) send({ type: "build", data: leading.stream.build, to: message.from });
        }
        countPages();
      } else if (message.type === "leave") {
        leading.pages.delete(message.from);
        countPages();
      }
    });

    addEventListener("pagehide", function () {
      send({ type: "leave", from: self });
      if (waiting) waiting.abort();
      resign();
    });
    addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      join(true);
      queueForLock();
    });
    join(false);
    queueForLock();
  }

  function startPerPage() {
    swell.mode = "page";
    openPageStream(function () { return 1; }, receive);
  }

  function start() {
    var leaderElection = navigator.locks && typeof BroadcastChannel === "function";
    var fallback = leaderElection ? startLeaderElection : startPerPage;
    if (typeof SharedWorker === "function") {
      try {
        return startSharedWorker(fallback);
      } catch (error) {
        log("SharedWorker unavailable (" + error.name + ")");
      }
    }
    fallback();
  }

  start();
})();
