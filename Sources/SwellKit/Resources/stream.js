// The event-stream connection, written once: Swell splices this file into client.js and
// worker.js at their shared-code marker, with the extensions that make an `update`
// (SWELL_STYLESHEETS, SWELL_IMAGES) taken from the server's own list.
//
// openStream(options) opens an EventSource on /__swell/events that resumes after the newest
// event seen and, once the browser gives up (a refused connection or a non-200 answer while
// the server restarts), reconnects by itself with backoff and jitter.
//   options.pages():        how many pages the stream serves (shown by /__swell/status)
//   options.lastId():       the newest event id to resume after, or null
//   options.deliver(msg):   {type: "hello", data, info} | {type: "reload" | "update", data, id} | {type: "build", data}
//                           | {type: "log", text}
//   options.onOpen():       optional; each new EventSource
//   options.shouldRetry():  optional; false leaves the stream closed after a failure
// Returns {client, hello, build, closed, close()}: the server's id for the stream, its hello while
// connected, and the latest build status (JSON text; null without --exec), for pages that join later.
function openStream(options) {
  var retryDelay = 1000;
  var timer = null;
  var source = null;
  var stream = { client: null, hello: null, build: null, closed: false, close: close };

  function connect() {
    var url = "/__swell/events?pages=" + options.pages();
    var last = options.lastId();
    if (last) url += "&last=" + encodeURIComponent(last);
    source = new EventSource(url);
    if (options.onOpen) options.onOpen();
    source.addEventListener("hello", function (event) {
      retryDelay = 1000;
      var info = {};
      try { info = JSON.parse(event.data); } catch (error) { /* keep the defaults */ }
      stream.hello = event.data;
      stream.build = info.build ? JSON.stringify(info.build) : null;
      stream.client = info.client === undefined ? null : info.client;
      options.deliver({ type: "hello", data: event.data, info: info });
    });
    ["reload", "update"].forEach(function (name) {
      source.addEventListener(name, function (event) {
        options.deliver({ type: name, data: event.data, id: event.lastEventId || null });
      });
    });
    // Where the site's build stands (--exec): not numbered, only the latest matters.
    source.addEventListener("build", function (event) {
      stream.build = event.data;
      options.deliver({ type: "build", data: event.data });
    });
    source.addEventListener("error", function () {
      // Until the next hello, nobody may take an old instance id for the current one.
      stream.hello = null;
      stream.client = null;
      // CONNECTING: the browser retries by itself. CLOSED: it gave up, so retry here.
      if (!source || source.readyState !== EventSource.CLOSED) return;
      source.close();
      source = null;
      var delay = Math.round(retryDelay * (0.5 + Math.random()));
      retryDelay = Math.min(retryDelay * 2, 15000);
      options.deliver({ type: "log", text: "connection lost; retrying in " + delay + " ms" });
      timer = setTimeout(function () {
        timer = null;
        if (!options.shouldRetry || options.shouldRetry()) connect();
        else stream.closed = true;
      }, delay);
    });
  }

  function close() {
    clearTimeout(timer);
    timer = null;
    if (source) source.close();
    source = null;
    stream.closed = true;
    stream.hello = null;
    stream.client = null;
  }

  connect();
  return stream;
}

// Tells the server how many pages a shared stream serves (shown by /__swell/status).
function reportPages(client, count) {
  if (client === null || client === undefined) return;
  fetch("/__swell/pages?client=" + client + "&pages=" + count, { method: "POST" }).catch(function () {});
}
