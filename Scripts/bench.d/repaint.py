"""Write -> repaint in headless Chromium, for a CSS update and for a page reload.

Usage: repaint.py BASE_URL ROOT ROUNDS [READY_JS PAUSE_S [URL_PATH PAGE_FILE CSS_FILE]]
READY_JS says when the page's live-reload client is connected (Swell's by default; a peer's
livereload.js for python-livereload and hugo); PAUSE_S is the pause before each write
(python-livereload ignores a change within 3 s of its previous reload). URL_PATH is the page
to open (/repaint.html), PAGE_FILE and CSS_FILE the files under ROOT that the page and its
stylesheet come from (repaint.html, repaint.css): a hugo layout or a mkdocs Markdown page
for the peers that only serve their client on pages they render.
The page records, with the wall clock, the first animation frame in which the new style
is computed (CSS update) or the first frame after the reloaded page loads; the script
records the wall clock just before the write. Both run on this machine, so the clocks
are the same. Each write waits PAUSE_S plus a random part of up to half a second (seeded, the
same for every server): with a fixed pause the writes would keep one phase against a server
that polls its files (mkdocs serve looks every 0.5 s), lucky or unlucky in every round alike,
where an editor's saves land at any moment. Prints JSON: median and p95 in ms for each case,
and where a reload's time goes (Navigation Timing of the reloaded page): write -> the navigation starts (the watcher,
the event, the client's `location.reload()`), navigation start -> the page's last byte
(unload, request, the server), last byte -> first frame (parse, style, layout, paint).
"""
import json, os, random, sys, time

from common import Chromium, summary, write

base, root, rounds = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
ready = sys.argv[4] if len(sys.argv) > 4 else "return !!(window.__swell && window.__swell.instance)"
pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.2
url_path, page_file, css_file = sys.argv[6:9] if len(sys.argv) > 8 else ("/repaint.html", "repaint.html", "repaint.css")
page_path, css_path = os.path.join(root, page_file), os.path.join(root, css_file)
jitter = random.Random(17)

PAGE = """<!doctype html><html><head><link rel="stylesheet" href="/repaint.css"></head>
<body><h1 id="t">v0</h1><script>
requestAnimationFrame(function () { sessionStorage.paintedAt = String(Date.now()); });
// The colour to wait for is kept in sessionStorage, so that a peer that reloads the whole
// page for a stylesheet (mkdocs) is measured as well as one that swaps it in place.
function check() {
  if (!sessionStorage.watchColor) return;
  if (getComputedStyle(document.getElementById('t')).color === sessionStorage.watchColor) {
    sessionStorage.cssPaintedAt = String(Date.now()); sessionStorage.removeItem('watchColor'); return;
  }
  requestAnimationFrame(check);
}
window.__watchColor = function (color) {
  sessionStorage.removeItem('cssPaintedAt'); sessionStorage.watchColor = color; check();
};
check();
</script></body></html>"""

write(page_path, PAGE)
write(css_path, "h1{color:rgb(0,0,0)}")

with Chromium() as browser:
    js, wait = browser.js, browser.wait
    browser.open(base + url_path)
    wait(ready)
    css, reload = [], []
    for i in range(rounds):
        color = f"rgb({(i * 37) % 256}, {(i * 91) % 256}, 1)"
        js(f"window.__watchColor('{color}'); return true")
        time.sleep(pause + jitter.uniform(0, 0.5))
        start = time.time() * 1000
        write(css_path, "h1{color:%s}" % color)
        painted = float(wait("return sessionStorage.cssPaintedAt"))
        wait(ready)
        css.append(painted - start)
    phases = {"write_to_navigation": [], "navigation_to_response": [], "response_to_frame": []}
    for i in range(rounds):
        js("sessionStorage.removeItem('paintedAt'); window.__old = 1; return true")
        time.sleep(pause + jitter.uniform(0, 0.5))
        start = time.time() * 1000
        write(page_path, PAGE.replace("v0", f"v{i + 1}"))
        painted = float(wait("return window.__old === undefined && sessionStorage.paintedAt"))
        wait(ready)
        reload.append(painted - start)
        origin, response_end = browser.js(
            "const n = performance.getEntriesByType('navigation')[0]; return [performance.timeOrigin, n.responseEnd]")
        phases["write_to_navigation"].append(origin - start)
        phases["navigation_to_response"].append(response_end)
        phases["response_to_frame"].append(painted - origin - response_end)
    print(json.dumps({"css_update": summary(css), "page_reload": summary(reload),
                      "page_reload_phases": {name: summary(values)["median_ms"] for name, values in phases.items()}}))
