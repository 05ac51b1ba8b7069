"""One edit -> the last of N tabs reloaded, in headless Chromium over HTTP/1.1.

Usage: tabs.py BASE_URL ROOT TABS ROUNDS
Opens TABS tabs of one page; each round rewrites the page and waits until every tab has
loaded the new version. Each page stamps the wall clock when its script runs (a visible tab
paints in that frame; a background tab paints when it is shown). The figure is the latest
stamp minus the wall clock just before the write. Also samples /__swell/status throughout:
the most event streams the server held at once, and how many it accepted in all.
Prints JSON.
"""
import json, os, statistics, sys, time

from common import Chromium, http_json, p95

base, root, tabs, rounds = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

PAGE = """<!doctype html><html><head><title>tabs</title></head><body><h1>v%d</h1>
<script>window.__loadedAt = Date.now();</script></body></html>"""


def write(version):
    with open(os.path.join(root, "tabs.html"), "w") as f:
        f.write(PAGE % version)


def status():
    return http_json(base + "/__swell/status")


most = 0


def each(script):
    global most
    values = []
    for handle in handles:
        browser.session_call("POST", "/window", {"handle": handle})
        values.append(browser.js(script))
    most = max(most, status()["clients"])
    return values


def wait_all(script, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(each(script)):
            return
        time.sleep(0.05)
    raise TimeoutError(script)


with Chromium() as browser:
    write(0)
    time.sleep(0.2)
    opened_before = status()["streamsOpened"]
    handles = []
    for i in range(tabs):
        if i:
            handle = browser.session_call("POST", "/window/new", {"type": "tab"})["handle"]
            browser.session_call("POST", "/window", {"handle": handle})
        browser.open(base + "/tabs.html")
        handles.append(browser.session_call("GET", "/window"))
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
        "p95_ms": round(p95(times), 1),
        "streams_held_max": most,
        "streams_opened": status()["streamsOpened"] - opened_before,
        "pages_reported": status()["pages"],
    }))
