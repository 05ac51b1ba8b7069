"""HTTPS figures: HTTP/2 requests/s on a 1 KiB file (h2load), TLS HTTP/1.1 requests/s (wrk),
and new TLS connections per second (wrk with `Connection: close`, so each request is a new
handshake), Swell `--https` vs nginx with `ssl http2` and the same certificate and key (the
one Swell's CA issued), in the same run.

Usage: https.py SWELL WORK DURATION
Prints one JSON object. Every process started here is stopped on exit; all traffic is on 127.0.0.1."""
import json, os, re, subprocess, sys, time

from common import Children, free_port

swell, work, duration = sys.argv[1], sys.argv[2], int(sys.argv[3])
children = Children()
start = children.start


def wait_https(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["curl", "-sk", "-o", "/dev/null", f"https://127.0.0.1:{port}/1k.txt"]).returncode == 0:
            return
        time.sleep(0.1)
    raise SystemExit(f"nothing serves HTTPS on {port}")


def h2load(url):
    """Requests/s over HTTP/2: 50 connections, 10 streams each, for DURATION seconds."""
    out = subprocess.run(["h2load", "-t2", "-c50", "-m10", f"-D{duration}", url], capture_output=True, text=True).stdout
    done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed", out)
    rate = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", out)
    if not done or not rate or int(done.group(3)) > 0 or "status codes: 0 2xx" in out:
        print(f"    h2load {url}: failures; not counted\n{out}", file=sys.stderr)
        return 0.0
    return float(rate.group(1))


def wrk(url, *extra):
    out = subprocess.run(["wrk", "-t2", "-c50", f"-d{duration}s", *extra, url], capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        print(f"    wrk {url}: non-2xx answers; not counted\n{out}", file=sys.stderr)
        return 0.0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    # With `Connection: close` the server ends each connection: wrk counts those as read errors.
    if errors and (int(errors.group(1)) or int(errors.group(4))):
        print(f"    wrk {url}: connect errors or timeouts; not counted\n{out}", file=sys.stderr)
        return 0.0
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


root = os.path.join(work, "https")
os.makedirs(os.path.join(root, "site"), exist_ok=True)
os.chmod(root, 0o755)
with open(os.path.join(root, "site", "1k.txt"), "w") as f:
    f.write("x" * 1024)
data = os.path.join(root, "data")
swell_port, nginx_port = free_port(), free_port()
try:
    env = dict(os.environ, XDG_DATA_HOME=data)
    start([swell, os.path.join(root, "site"), "-p", str(swell_port), "-q", "--https", "--no-reload"], env=env)
    wait_https(swell_port)
    certificate, key = os.path.join(data, "swell", "server.pem"), os.path.join(data, "swell", "server-key.pem")
    with open(os.path.join(root, "nginx.conf"), "w") as f:
        f.write(f"""worker_processes 2; daemon off; pid {root}/nginx.pid; error_log {root}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 1000000;
  server {{ listen 127.0.0.1:{nginx_port} ssl http2; root {root}/site;
    ssl_certificate {certificate}; ssl_certificate_key {key}; }} }}
""")
    start(["nginx", "-c", os.path.join(root, "nginx.conf"), "-p", root])
    wait_https(nginx_port)
    figures = {}
    for name, port in (("swell", swell_port), ("nginx", nginx_port)):
        url = f"https://127.0.0.1:{port}/1k.txt"
        figures[name] = {
            "h2_rps": max(h2load(url), h2load(url)),
            "tls_http1_rps": max(wrk(url), wrk(url)),
            "handshakes_per_s": wrk(url, "-H", "Connection: close"),
        }
    ratio = lambda key: round(figures["swell"][key] / figures["nginx"][key], 3) if figures["nginx"][key] else None
    figures["ratios"] = {key: ratio(key) for key in ("h2_rps", "tls_http1_rps", "handshakes_per_s")}
    print(json.dumps(figures))
finally:
    children.stop()
