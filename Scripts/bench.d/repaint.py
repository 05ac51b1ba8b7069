"""Write -> repaint in headless Chromium, for a CSS update and for a page reload.

Usage: repaint.py TARGET [-- TARGET ...]
where TARGET is BASE_URL ROOT ROUNDS [READY_JS PAUSE_S [URL_PATH PAGE_FILE CSS_FILE]].
READY_JS says when the page's live-reload client is connected (Swell's by default; a peer's
livereload.js for python-livereload and hugo); PAUSE_S is the pause before each write
(python-livereload ignores a change within 3 s of its previous reload). URL_PATH is the page
to open (/repaint.html), PAGE_FILE and CSS_FILE the files under ROOT that the page and its
stylesheet come from (repaint.html, repaint.css): a hugo layout or a mkdocs Markdown page
for the peers that only serve their client on pages they render.

With several targets (a tool's own server and Swell building with that tool, each on its
own copy of the project), each gets its own Chromium and their rounds alternate, the first
target first in even rounds and last in odd ones, so that a machine that slows down or speeds
up during the run weighs on every target alike; measured one after the other, a drift of
load between the two blocks decided a close comparison. A target that does not act on a
change is left out ({} in the output) and the others go on.

The page records, with the wall clock, the first animation frame in which the new style
is computed (CSS update) or the first frame after the reloaded page loads; the script
records the wall clock just before the write. Both run on this machine, so the clocks
are the same. Since the page keeps the time, the script reads it back at a leisurely pace
(every 0.1 s): polling chromedriver every 20 ms kept a fifth of a core busy, which a
CPU-bound build (Swell's `--exec`) paid for and a server waiting for its poll did not.
Each write waits PAUSE_S plus a random part of up to half a second (seeded, the same for
every server): with a fixed pause the writes would keep one phase against a server that
polls its files (mkdocs serve looks every 0.5 s), lucky or unlucky in every round alike,
where an editor's saves land at any moment. Prints JSON (a list of them for several
targets): median and p95 in ms for each case, and where a reload's time goes (Navigation
Timing of the reloaded page): write -> the navigation starts (the watcher, the event, the
client's `location.reload()`), navigation start -> the page's last byte (unload, request,
the server), last byte -> first frame (parse, style, layout, paint).
"""
import contextlib, json, os, random, sys, time

from common import Chromium, summary, write

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
READ_EVERY = 0.1


class Target:
    """One server's page in its own Chromium, and what its rounds measured."""

    def __init__(self, args):
        self.base, self.root, self.rounds = args[0].rstrip("/"), args[1], int(args[2])
        self.ready = args[3] if len(args) > 3 else "return !!(window.__swell && window.__swell.instance)"
        self.pause = float(args[4]) if len(args) > 4 else 0.2
        self.url_path, page_file, css_file = args[5:8] if len(args) > 7 else ("/repaint.html", "repaint.html", "repaint.css")
        self.page_path, self.css_path = os.path.join(self.root, page_file), os.path.join(self.root, css_file)
        self.jitter = random.Random(17)
        self.css, self.reload, self.failed = [], [], False
        self.phases = {"write_to_navigation": [], "navigation_to_response": [], "response_to_frame": []}

    def prepare(self):
        write(self.page_path, PAGE)
        write(self.css_path, "h1{color:rgb(0,0,0)}")

    def open(self, browser):
        # The page as rendered from PAGE (a server that renders it may still show the old one).
        self.browser = browser
        browser.open(self.base + self.url_path)
        browser.wait(self.ready + " && typeof window.__watchColor === 'function'")

    def settle(self):
        time.sleep(self.pause + self.jitter.uniform(0, 0.5))

    def css_round(self, i):
        js, wait = self.browser.js, self.browser.wait
        color = f"rgb({(i * 37) % 256}, {(i * 91) % 256}, 1)"
        js(f"window.__watchColor('{color}'); return true")
        self.settle()
        start = time.time() * 1000
        write(self.css_path, "h1{color:%s}" % color)
        painted = float(wait("return sessionStorage.cssPaintedAt", every=READ_EVERY))
        wait(self.ready)
        self.css.append(painted - start)

    def page_round(self, i):
        js, wait = self.browser.js, self.browser.wait
        js("sessionStorage.removeItem('paintedAt'); window.__old = 1; return true")
        self.settle()
        start = time.time() * 1000
        write(self.page_path, PAGE.replace("v0", f"v{i + 1}"))
        painted = float(wait("return window.__old === undefined && sessionStorage.paintedAt", every=READ_EVERY))
        wait(self.ready)
        self.reload.append(painted - start)
        origin, response_end = js(
            "const n = performance.getEntriesByType('navigation')[0]; return [performance.timeOrigin, n.responseEnd]")
        self.phases["write_to_navigation"].append(origin - start)
        self.phases["navigation_to_response"].append(response_end)
        self.phases["response_to_frame"].append(painted - origin - response_end)

    def result(self):
        if self.failed:
            return {}
        return {"css_update": summary(self.css), "page_reload": summary(self.reload),
                "page_reload_phases": {name: summary(values)["median_ms"] for name, values in self.phases.items()}}


def alternate(targets, kind):
    for i in range(max(target.rounds for target in targets)):
        for target in (targets if i % 2 == 0 else targets[::-1]):
            if target.failed or i >= target.rounds:
                continue
            try:
                getattr(target, kind)(i)
            except TimeoutError:
                print(f"    {target.base}: a change it did not act on ({kind} {i}); left out", file=sys.stderr)
                target.failed = True


argv, groups = sys.argv[1:], [[]]
for arg in argv:
    groups.append([]) if arg == "--" else groups[-1].append(arg)
targets = [Target(group) for group in groups]
for target in targets:
    target.prepare()
with contextlib.ExitStack() as stack:
    for target in targets:
        target.open(stack.enter_context(Chromium()))
    alternate(targets, "css_round")
    alternate(targets, "page_round")
results = [target.result() for target in targets]
if all(not result for result in results):
    sys.exit(1)
print(json.dumps(results[0] if len(results) == 1 else results))
