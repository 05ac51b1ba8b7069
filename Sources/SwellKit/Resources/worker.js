// Swell's SharedWorker: one /__swell/events connection per browser and origin, shared by
// every tab, so that any number of tabs fit in HTTP/1.1's six connections per host.
// Pages (client.js) talk to it over MessagePorts:
//   page → worker: {type: "join", lastId, restored} and {type: "leave", cached}
//   worker → page: {type: "hello", data}, {type: "joined", lastId} (the newest event id),
//                  {type: "reload" | "update", data, id} and {type: "log", text}
"use strict";

var pages = [];       // {port, live}: a page that left (or sits in the back/forward cache) is not live
var source = null;    // the EventSource, while one is open or the browser is retrying it
var hello = null;     // data of the current stream's hello; null while disconnected
var client = null;    // the server's id for this stream, for page-count reports
var lastId = null;    // the newest event id, to resume from after a reconnect
var retryDelay = 1000;
var retryTimer = null;
var idleTimer = null;
var reportTimer = null;

function live() {
  return pages.filter(function (page) { return page.live; });
}

function broadcast(message) {
  live().forEach(function (page) { page.port.postMessage(message); });
}

// Tells the server how many pages this one stream serves (shown by /__swell/status).
function reportPages() {
  clearTimeout(reportTimer);
  reportTimer = setTimeout(function () {
    if (client === null) return;
    fetch("/__swell/pages?client=" + client + "&pages=" + live().length, { method: "POST" }).catch(function () {});
  }, 50);
}

function connect(resumeFrom) {
  var url = "/__swell/events?pages=" + live().length;
  var last = lastId || resumeFrom;
  if (last) url += "&last=" + encodeURIComponent(last);
  source = new EventSource(url);
  source.addEventListener("hello", function (event) {
    retryDelay = 1000;
    hello = event.data;
    var info = {};
    try { info = JSON.parse(event.data); } catch (error) { /* keep the defaults */ }
    client = info.client === undefined ? null : info.client;
    if (!lastId && info.last) lastId = info.last;
    broadcast({ type: "hello", data: hello });
    broadcast({ type: "joined", lastId: lastId });
    reportPages();
  });
  ["reload", "update"].forEach(function (name) {
    source.addEventListener(name, function (event) {
      if (event.lastEventId) lastId = event.lastEventId;
      broadcast({ type: name, data: event.data, id: event.lastEventId || null });
    });
  });
  source.addEventListener("error", function () {
    // Until the next hello, pages that join must not take an old instance id for the current one.
    hello = null;
    client = null;
    // CONNECTING: the browser retries by itself. CLOSED: it gave up (a refused connection or a
    // non-200 while the server restarts): one retry for the whole browser, with backoff and jitter.
    if (!source || source.readyState !== EventSource.CLOSED) return;
    source.close();
    source = null;
    var delay = Math.round(retryDelay * (0.5 + Math.random()));
    retryDelay = Math.min(retryDelay * 2, 15000);
    broadcast({ type: "log", text: "connection lost; retrying in " + delay + " ms" });
    retryTimer = setTimeout(function () {
      retryTimer = null;
      if (live().length) connect();
    }, delay);
  });
}

// With no page left, the stream is released; the grace period bridges a reload or a
// same-site navigation, where the next page joins within a moment.
function releaseWhenIdle() {
  clearTimeout(idleTimer);
  if (live().length) return;
  idleTimer = setTimeout(function () {
    if (live().length || !source) return;
    source.close();
    source = null;
    hello = null;
    client = null;
  }, 2000);
}

function receive(page, message) {
  if (message.type === "join") {
    page.live = true;
    clearTimeout(idleTimer);
    // Back from the back/forward cache: a change while it was away means it is stale.
    if (message.restored && source && message.lastId !== lastId) {
      page.port.postMessage({ type: "reload", data: "{\"paths\":[]}", id: null, reason: "changed while in the back/forward cache" });
    }
    // Without a hello yet, the page learns both once the stream answers.
    if (hello !== null) {
      page.port.postMessage({ type: "hello", data: hello });
      page.port.postMessage({ type: "joined", lastId: lastId });
    }
    if (!source && retryTimer === null) connect(message.lastId);
    reportPages();
  } else if (message.type === "leave") {
    // A page kept in the back/forward cache may come back and join again; any other is gone.
    if (!message.cached) return forget(page);
    page.live = false;
    reportPages();
    releaseWhenIdle();
  }
}

function forget(page) {
  pages = pages.filter(function (other) { return other !== page; });
  reportPages();
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
