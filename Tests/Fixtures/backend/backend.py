"""The Flask backend the proxy tests run behind Swell: the tutorial's counter page and
/stream, plus one route for each case the proxy must get right. Prints "PORT n" once it
listens on 127.0.0.1 (port 0 lets the kernel choose)."""

import gzip
import json
import os
import sys
import threading
import time
import zlib

from flask import Flask, Response, make_response, redirect, request, stream_with_context
from flask_sock import Sock
from werkzeug.serving import make_server

app = Flask(__name__)
sock = Sock(app)
lock = threading.Lock()
seen = {"requests": 0}

PAGE = """<!doctype html>
<html><head><title>Counter</title></head>
<body><h1 id="title">{title}</h1><p id="count">waiting</p>
<script src="/static/counter.js"></script></body></html>
"""

COUNTER_JS = """new EventSource('/stream').onmessage = (e) => {
  document.getElementById('count').textContent = e.data;
};
"""


@app.before_request
def count():
    if request.path != "/count":
        with lock:
            seen["requests"] += 1


@app.route("/count")
def counted():
    return str(seen["requests"]), 200, {"Content-Type": "text/plain"}


@app.route("/")
def index():
    title = open(app.config["TITLE_FILE"]).read().strip() if app.config.get("TITLE_FILE") else "Counter"
    return PAGE.format(title=title)


@app.route("/static/counter.js")
def counter_js():
    return Response(COUNTER_JS, mimetype="text/javascript")


@app.route("/stream")
def stream():
    interval = float(request.args.get("interval", "1"))
    limit = int(request.args.get("limit", "1000000"))

    def events():
        for n in range(1, limit + 1):
            yield f"data: {n}\n\n"
            time.sleep(interval)

    return Response(stream_with_context(events()), mimetype="text/event-stream")


@app.route("/gzip")
def gzipped():
    body = gzip.compress(b"<html><head><title>gz</title></head><body>compressed page</body></html>")
    return Response(body, headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"})


@app.route("/deflate")
def deflated():
    body = zlib.compress(b"<html><head></head><body>deflated page</body></html>")
    return Response(body, headers={"Content-Encoding": "deflate", "Content-Type": "text/html"})


@app.route("/brotli")
def brotli():
    return Response(b"\x8b\x00\x80fake", headers={"Content-Encoding": "br", "Content-Type": "text/html"})


@app.route("/no-transform")
def no_transform():
    return Response("<html><head></head><body>keep me</body></html>", headers={"Cache-Control": "no-transform"}, mimetype="text/html")


@app.route("/slow")
def slow():
    def body():
        yield "<html><head><title>slow</title></head><body>first part "
        time.sleep(float(request.args.get("pause", "1.5")))
        yield "second part</body></html>"

    return Response(stream_with_context(body()), mimetype="text/html")


@app.route("/redirect")
def redirected():
    return redirect(f"http://{request.environ['SERVER_NAME']}:{app.config['PORT']}/target", code=302)


@app.route("/redirect-away")
def redirected_away():
    return redirect("https://example.com/elsewhere", code=302)


@app.route("/target")
def target():
    return "<html><body>target</body></html>"


@app.route("/cookie")
def cookie():
    response = make_response("<html><body>cookie</body></html>")
    response.headers.add("Set-Cookie", "session=abc; Domain=127.0.0.1; Path=/; Secure; HttpOnly; SameSite=Lax")
    response.headers.add("Set-Cookie", "other=1; Domain=example.com; Path=/")
    return response


@app.route("/echo", methods=["POST", "PUT"])
def echo():
    data = request.get_data()
    return Response(json.dumps({"method": request.method, "length": len(data), "body": data.decode("latin-1")}), mimetype="application/json")


@app.route("/headers")
def headers():
    return Response(json.dumps(dict(request.headers)), mimetype="application/json")


@app.route("/missing-page")
def missing():
    return Response("<html><head></head><body>no such page</body></html>", status=404, mimetype="text/html")


@app.route("/broken")
def broken():
    return Response("<html><head></head><body>Traceback: it broke</body></html>", status=500, mimetype="text/html")


@app.route("/csp-nonce")
def csp_nonce():
    page = "<html><head><script nonce=\"app123\">document.title='ran'</script></head><body>nonce page</body></html>"
    return Response(page, mimetype="text/html", headers={"Content-Security-Policy": "default-src 'self'; script-src 'nonce-app123'"})


@app.route("/csp-self")
def csp_self():
    return Response("<html><head></head><body>self page</body></html>", mimetype="text/html", headers={"Content-Security-Policy": "default-src 'self'"})


@app.route("/csp-cdn")
def csp_cdn():
    return Response("<html><head></head><body>cdn page</body></html>", mimetype="text/html", headers={"Content-Security-Policy": "script-src https://cdn.example.com"})


@app.route("/large")
def large():
    line = "<p>" + "x" * 1000 + "</p>\n"
    return "<html><head><title>large</title></head><body>" + line * 1024 + "</body></html>"


@app.route("/json")
def as_json():
    return Response('{"ok": true}', mimetype="application/json")


@app.route("/ws-page")
def socket_page():
    return """<!doctype html><html><head><title>socket</title></head><body><p id="echo">none</p>
<script>
const socket = new WebSocket('ws://' + location.host + '/ws');
socket.onmessage = (e) => {
  if (e.data.startsWith('echo: ')) document.getElementById('echo').textContent = e.data;
  else socket.send('from the page');
};
</script></body></html>"""


@sock.route("/ws")
def echo_socket(ws):
    # The first message says what the backend saw of the upgrade; then every message comes back.
    ws.send(json.dumps({"host": request.host, "origin": request.headers.get("Origin", ""),
                        "forwarded_for": request.headers.get("X-Forwarded-For", "")}))
    while True:
        message = ws.receive()
        if message is None:
            break
        ws.send("echo: " + message)


@app.route("/ws-refused")
def refused_socket():
    return "no sockets here", 403, {"Content-Type": "text/plain"}


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if len(sys.argv) > 2:
        app.config["TITLE_FILE"] = sys.argv[2]
    # BACKEND_CERT and BACKEND_KEY (PEM files) make it an https:// backend.
    tls = (os.environ["BACKEND_CERT"], os.environ["BACKEND_KEY"]) if "BACKEND_CERT" in os.environ else None
    server = make_server("127.0.0.1", port, app, threaded=True, ssl_context=tls)
    app.config["PORT"] = server.server_port
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()
