// Swell's live-reload client, injected into every HTML page Swell serves.
// It listens on /__swell/events: `reload` reloads the page, `update` swaps stylesheets and
// images in place. Silent except for console lines prefixed with [swell].
(function () {
  "use strict";
  // A second copy on the same page (injected twice, or loaded by hand as well) does nothing.
  if (window.__swell) return;
  var swell = (window.__swell = { instance: null, connections: 0 });

  var IMAGE = /\.(png|jpe?g|gif|svg|webp|avif|ico)$/i;
  var CSS = /\.css$/i;
  var reloading = false;
  var retryDelay = 1000;
  var source = null;

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

  function pathsOf(event) {
    try {
      return JSON.parse(event.data).paths || [];
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

  function connect() {
    source = new EventSource("/__swell/events");
    swell.connections += 1;
    source.addEventListener("hello", function (event) {
      var info = {};
      try { info = JSON.parse(event.data); } catch (error) { /* keep the defaults */ }
      retryDelay = 1000;
      if (swell.instance === null) {
        swell.instance = info.server;
        log("live reload on (Swell " + info.version + ")");
      } else if (info.server !== swell.instance) {
        reloadPage("the server restarted");
      }
    });
    source.addEventListener("reload", function (event) {
      reloadPage(pathsOf(event).join(", ") || "requested");
    });
    source.addEventListener("update", function (event) {
      update(pathsOf(event));
    });
    source.addEventListener("error", function () {
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (a refused connection
      // or a non-200 answer while the server restarts), so retry with backoff and jitter.
      if (source.readyState !== EventSource.CLOSED) return;
      source.close();
      var delay = Math.round(retryDelay * (0.5 + Math.random()));
      retryDelay = Math.min(retryDelay * 2, 15000);
      log("connection lost; retrying in " + delay + " ms");
      setTimeout(connect, delay);
    });
  }

  connect();
})();
