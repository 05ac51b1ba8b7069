// The /stream demo: a counter over Server-Sent Events, with its connection state.
(function () {
  "use strict";
  var count = document.getElementById("count");
  var state = document.getElementById("state");
  var lastId = document.getElementById("last-id");
  var received = document.getElementById("received");
  var events = 0;

  function show(name) {
    state.dataset.state = name;
    state.textContent = name;
  }

  var source = new EventSource("/stream");
  source.onopen = function () { show("open"); };
  source.onmessage = function (event) {
    count.textContent = event.data;
    lastId.textContent = event.lastEventId || "none";
    events += 1;
    received.textContent = String(events);
  };
  source.onerror = function () {
    // CONNECTING means the browser retries by itself (and resumes with Last-Event-ID).
    show(source.readyState === EventSource.CONNECTING ? "reconnecting" : "closed");
  };

  var snippet = [
    "<script>",
    "  const counter = new EventSource(\"" + location.origin + "/stream\");",
    "  counter.onmessage = (event) => console.log(\"tick\", event.data);",
    "</" + "script>",
  ].join("\n");
  document.getElementById("snippet").textContent = snippet;

  document.getElementById("copy").addEventListener("click", function () {
    var note = document.getElementById("copied");
    if (!navigator.clipboard) {
      note.textContent = "Select the text above and copy it.";
      return;
    }
    navigator.clipboard.writeText(snippet).then(
      function () { note.textContent = "Copied."; },
      function () { note.textContent = "Select the text above and copy it."; }
    );
  });
})();
