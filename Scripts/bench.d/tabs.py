"""One edit -> the last of N tabs reloaded, in headless Chromium over HTTP/1.1.

Usage: tabs.py BASE_URL ROOT TABS ROUNDS
Opens TABS tabs of one page; each round rewrites the page and waits until every tab has
loaded the new version. Each page stamps the wall clock when its script runs (a visible tab
paints in that frame; a background tab paints when it is shown). The figure is the latest
stamp minus the wall clock just before the write. Also samples /__swell/status throughout:
the most event streams the server held at once, and how many it accepted in all.
Prints JSON.
"""
import json, os, socket, statistics, subprocess, sys, time, urllib.request

base, root, tabs, rounds = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

PAGE = """<!doctype html><html><head><title>tabs</title></head><body><h1>v%d</h1>
<script>window.__loadedAt = Date.now();</script></body></html>"""


def write(version):
    with open(os.path.join(root, "tabs.html"), "w") as f:
        f.write(PAGE % version)


sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
driver = subprocess.Popen(["chromedriver", f"--port={port}", "--allowed-ips=127.0.0.1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["value"]


def status():
    with urllib.request.urlopen(base + "/__swell/status", timeout=10) as response:
        return json.loads(response.read())


most = 0


def each(script):
    global most
    values = []
    for handle in handles:
        call("POST", f"/session/{session}/window", {"handle": handle})
        values.append(call("POST", f"/session/{session}/execute/sync", {"script": script, "args": []}))
    most = max(most, status()["clients"])
    return values


def wait_all(script, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(each(script)):
            return
        time.sleep(0.05)
    raise TimeoutError(script)


session = None
try:
    for _ in range(100):
        try:
            call("GET", "/status"); break
        except Exception:
            time.sleep(0.1)
    session = call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}}}})["sessionId"]
    write(0)
    time.sleep(0.2)
    opened_before = status()["streamsOpened"]
    handles = []
    for i in range(tabs):
        if i:
            handle = call("POST", f"/session/{session}/window/new", {"type": "tab"})["handle"]
            call("POST", f"/session/{session}/window", {"handle": handle})
        call("POST", f"/session/{session}/url", {"url": base + "/tabs.html"})
        handles.append(call("GET", f"/session/{session}/window"))
    wait_all("return !!(window.__swell && window.__swell.instance)")
    mode = each("return window.__swell.mode")[0]
    times = []
    for version in range(1, rounds + 1):
        wrote = time.time() * 1000
        write(version)
        wait_all(f"return document.querySelector('h1').textContent === 'v{version}' && !!window.__swell.instance")
        times.append(max(each("return window.__loadedAt")) - wrote)
    times.sort()
    print(json.dumps({
        "tabs": tabs, "mode": mode, "rounds": rounds,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, -(-len(times) * 95 // 100) - 1)], 1),
        "streams_held_max": most,
        "streams_opened": status()["streamsOpened"] - opened_before,
        "pages_reported": status()["pages"],
    }))
finally:
    if session:
        try:
            call("DELETE", f"/session/{session}")
        except Exception:
            pass
    driver.kill()
