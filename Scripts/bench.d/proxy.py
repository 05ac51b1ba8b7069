"""The proxy's figures: requests/s through `swell --proxy` vs nginx as a reverse proxy, the
latency each adds (wrk --latency, direct vs proxied), and the delay an event stream's events
pick up through Swell.

Usage: proxy.py SWELL WORK DURATION
The backend is nginx serving a 1 KiB file; the nginx proxy uses `proxy_http_version 1.1` and an
upstream `keepalive 32`, so both proxies reuse backend connections. The event stream is a
Python backend sending a CLOCK_MONOTONIC stamp per event (the clock is system-wide, so the
reader's arrival time compares with it); the same stream is read directly and through Swell at
once. Prints one JSON object. Every process started here is stopped on exit; all traffic is on
127.0.0.1."""
import json, os, re, socket, statistics, subprocess, sys, threading, time

from common import Children, free_port

swell, work, duration = sys.argv[1], sys.argv[2], int(sys.argv[3])
children = Children()
start = children.start


def wait_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def wrk(url, connections=50):
    """Requests/s and the p50/p99 latency in ms; 0 requests/s if any answer was not a 2xx."""
    threads = "-t2" if connections > 1 else "-t1"
    out = subprocess.run(["wrk", threads, f"-c{connections}", f"-d{duration}s", "--latency", url], capture_output=True, text=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        print(f"    {url}: errors; not counted\n{out}", file=sys.stderr)
        return {"rps": 0.0, "p50_ms": None, "p99_ms": None}

    def ms(label):
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 3)

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": ms("50%"), "p99_ms": ms("99%")}


root = os.path.join(work, "proxy")
os.makedirs(os.path.join(root, "site"), exist_ok=True)
os.makedirs(os.path.join(root, "watched"), exist_ok=True)
with open(os.path.join(root, "site", "1k.txt"), "w") as f:
    f.write("x" * 1024)
backend, nginx_proxy, swell_proxy = free_port(), free_port(), free_port()
with open(os.path.join(root, "nginx.conf"), "w") as f:
    f.write(f"""worker_processes 2; daemon off; pid {root}/nginx.pid; error_log {root}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; sendfile on; keepalive_requests 100000;
  upstream backend {{ server 127.0.0.1:{backend}; keepalive 32; }}
  server {{ listen 127.0.0.1:{backend}; root {root}/site; }}
  server {{ listen 127.0.0.1:{nginx_proxy};
    location / {{ proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }} }} }}
""")
os.chmod(root, 0o755)
os.chmod(os.path.join(root, "site"), 0o755)
try:
    start(["nginx", "-c", os.path.join(root, "nginx.conf"), "-p", root])
    start([swell, os.path.join(root, "watched"), "-p", str(swell_proxy), "-q", "--proxy", f"http://127.0.0.1:{backend}"])
    for port in (backend, nginx_proxy, swell_proxy):
        wait_port(port)
    best = {}
    for _ in range(2):  # alternating rounds; the better of each
        for name, port in (("direct", backend), ("nginx", nginx_proxy), ("swell", swell_proxy)):
            figure = wrk(f"http://127.0.0.1:{port}/1k.txt")
            if figure["rps"] > best.get(name, {"rps": -1})["rps"]:
                best[name] = figure
    result = {"throughput": best}
    if best["nginx"]["rps"] > 0:
        result["swell_vs_nginx"] = round(best["swell"]["rps"] / best["nginx"]["rps"], 2)
    for name in ("nginx", "swell"):
        if best[name]["p50_ms"] is not None and best["direct"]["p50_ms"] is not None:
            result[f"{name}_adds_ms"] = {
                "p50": round(best[name]["p50_ms"] - best["direct"]["p50_ms"], 3),
                "p99": round(best[name]["p99_ms"] - best["direct"]["p99_ms"], 3),
            }

    # One connection, one request at a time: what a proxied request costs a page load that
    # is not queued behind 49 others.
    single = {}
    for _ in range(2):
        for name, port in (("direct", backend), ("nginx", nginx_proxy), ("swell", swell_proxy)):
            figure = wrk(f"http://127.0.0.1:{port}/1k.txt", connections=1)
            if figure["p50_ms"] is not None and figure["p50_ms"] < single.get(name, {"p50_ms": 1e9})["p50_ms"]:
                single[name] = figure
    if len(single) == 3:
        result["one_connection"] = single
        for name in ("nginx", "swell"):
            result[f"{name}_adds_ms_one_connection"] = {
                "p50": round(single[name]["p50_ms"] - single["direct"]["p50_ms"], 3),
                "p99": round(single[name]["p99_ms"] - single["direct"]["p99_ms"], 3),
            }

    # --- an event stream: the delay Swell adds per event
    events = 200
    stream_port = free_port()
    stream_script = f"""
import http.server, time
class Stream(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        time.sleep(0.3)
        for i in range({events}):
            self.wfile.write(b"data: %d\\n\\n" % time.monotonic_ns())
            self.wfile.flush()
            time.sleep(0.01)
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", {stream_port}), Stream).serve_forever()
"""
    start([sys.executable, "-c", stream_script])
    stream_swell = free_port()
    start([swell, os.path.join(root, "watched"), "-p", str(stream_swell), "-q", "--no-reload", "--proxy", f"http://127.0.0.1:{stream_port}"])
    wait_port(stream_port)
    wait_port(stream_swell)
    delays = {}

    def read(name, port):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        seen, buffer = [], b""
        while len(seen) < events:
            chunk = sock.recv(65536)
            if not chunk:
                break
            arrived = time.monotonic_ns()
            buffer += chunk
            for stamp in re.findall(rb"data: (\d+)\n\n", buffer):
                seen.append((arrived - int(stamp)) / 1e6)
            buffer = buffer[buffer.rfind(b"\n\n") + 2:] if b"\n\n" in buffer else buffer
        sock.close()
        delays[name] = seen

    readers = [threading.Thread(target=read, args=(name, port)) for name, port in (("direct", stream_port), ("swell", stream_swell))]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(60)
    if len(delays.get("direct", [])) == events and len(delays.get("swell", [])) == events:
        direct, proxied = statistics.median(delays["direct"]), statistics.median(delays["swell"])
        result["event_stream"] = {
            "events": events,
            "direct_median_ms": round(direct, 3),
            "through_swell_median_ms": round(proxied, 3),
            "swell_adds_median_ms": round(proxied - direct, 3),
        }
    else:
        print(f"    event stream: {len(delays.get('direct', []))} direct, {len(delays.get('swell', []))} through Swell of {events}", file=sys.stderr)
    print(json.dumps(result))
finally:
    children.stop()
