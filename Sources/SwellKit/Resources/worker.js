// Swell's SharedWorker: one /__swell/events connection per browser and origin, shared by
// every tab, so that any number of tabs fit in HTTP/1.1's six connections per host.
// Pages (client.js) talk to it over MessagePorts:
//   page → worker: {type: "join", lastId, restored} and {type: "leave", cached}
//   worker → page: {type: "hello", data}, {type: "joined", lastId} (the newest event id),
//                  {type: "reload" | "update", data, id}, {type: "build", data} and {type: "log", text}
"use strict";
// @swell-shared

var pages = [];       // {port, live}: a page that left (or sits in the back/forward cache) is not live
var stream = null;    // openStream's handle, while one is open or retrying
var lastId = null;    // the newest event id, to resume from after a reconnect
var idleTimer = null;
var reportTimer = null;

function live() {
  return pages.filter(function (page) { return page.live; });
}

function broadcast(message) {
  live().forEach(function (page) { page.port.postMessage(message); });
}

function reportLater() {
  clearTimeout(reportTimer);
  reportTimer = setTimeout(function () {
    if (stream) reportPages(stream.client, live().length);
  }, 50);
}

function connect(resumeFrom) {
  stream = openStream({
    pages: function () { return live().length; },
    lastId: function () { return lastId || resumeFrom; },
    // With no page left, a failed stream stays closed; the next page to join opens another.
    shouldRetry: function () { return live().length > 0; },
    deliver: function (message) {
      if (message.type === "hello") {
        if (!lastId && message.info.last) lastId = message.info.last;
        broadcast({ type: "hello", data: message.data });
        broadcast({ type: "joined", lastId: lastId });
        reportLater();
      } else if (message.type === "log" || message.type === "build") {
        broadcast(message);
      } else {
        if (message.id) lastId = message.id;
        broadcast(message);
      }
    }
  });
}

// With no page left, the stream is released; the grace period bridges a reload or a
// same-site navigation, where the next page joins within a moment.
function releaseWhenIdle() {
  clearTimeout(idleTimer);
  if (live().length) return;
  idleTimer = setTimeout(function () {
    if (live().length || !stream) return;
    stream.close();
    stream = null;
  }, 2000);
}

function receive(page, message) {
  if (message.type === "join") {
    page.live = true;
    clearTimeout(idleTimer);
    // Back from the back/forward cache: a change while it was away means it is stale.
    if (message.restored && stream && !stream.closed && message.lastId !== lastId) {
      page.port.postMessage({ type: "reload", data: "{\"paths\":[]}", id: null, reason: "changed while in the back/forward cache" });
    }
    // Without a hello yet, the page learns both once the stream answers.
    if (stream && stream.hello !== null) {
      page.port.postMessage({ type: "hello", data: stream.hello });
      page.port.postMessage({ type: "joined", lastId: lastId });
      // The hello is as old as the stream: the build may have moved on since.
      if (stream.build !== null) page.port.postMessage({ type: "build", data: stream.build });
    }
    if (!stream || stream.closed) connect(message.lastId);
    reportLater();
  } else if (message.type === "leave") {
    // A page kept in the back/forward cache may come back and join again; any other is gone.
    if (!message.cached) return forget(page);
    page.live = false;
    reportLater();
    releaseWhenIdle();
  }
}

function forget(page) {
  pages = pages.filter(function (other) { return other !== page; });
  reportLater();
  releaseWhenIdle();
}

self.addEventListener("connect", function (event) {
  var page = { port: event.ports[0], live: false };
  pages.push(page);
  page.port.addEventListener("message", function (message) { receive(page, message.data || {}); });
  // Where supported, a port whose page is gone for good says so.
  page.port.addEventListener("close", function () { forget(page); });
  page.port.start();
});
