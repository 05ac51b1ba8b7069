"""A large tree: FILES files in FOLDERS folders. Time to the first response, time until the
watch is complete, RSS, and whether a save made while the watch is being set up arrives
(medians of three starts; the save must arrive in all three).

Usage: tree.py SWELL_BINARY ROOT FILES FOLDERS
Also starts python-livereload on the same tree, and hugo server with the tree as its static
folder (hugo serves only a site's static files as they are), for their time to the first
response and RSS.
Prints JSON. Every process started here is stopped; every loop is bounded.
"""
import json, os, socket, subprocess, sys, time, urllib.request

from common import free_port, rss_kib

binary, root, files, folders = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def build_tree():
    if os.path.exists(os.path.join(root, ".complete")):
        return
    per_folder = max(1, files // folders)
    for folder in range(folders):
        path = os.path.join(root, f"d{folder // 100:03d}", f"d{folder:05d}")
        os.makedirs(path, exist_ok=True)
        for index in range(per_folder):
            with open(os.path.join(path, f"f{index}.html"), "w") as f:
                f.write("<p>x</p>")
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<p>root</p>")
    open(os.path.join(root, ".complete"), "w").close()


def first_response(port, started, timeout=120):
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as response:
                if response.status == 200:
                    return (time.monotonic() - started) * 1000
        except OSError:
            time.sleep(0.002)
    raise TimeoutError("no first response")


build_tree()
results = {"files": files, "folders": folders}

def swell_run():
    """One start of Swell on the tree: first response, watch complete, the save made meanwhile, RSS."""
    run = {}
    port = free_port()
    started = time.monotonic()
    swell = subprocess.Popen([binary, root, "-p", str(port), "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        run["first_response_ms"] = first_response(port, started)
        # A save while the watch is still being set up, deep in the last folder: it must arrive.
        stream = socket.create_connection(("127.0.0.1", port), timeout=30)
        stream.sendall(f"GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        target = os.path.join(root, f"d{(folders - 1) // 100:03d}", f"d{folders - 1:05d}", "f0.html")
        with open(target, "w") as f:
            f.write(f"<p>{time.time()}</p>")
        run["watch_ms"] = None
        while time.monotonic() - started < 120:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__swell/status", timeout=5) as response:
                status = json.loads(response.read())
            if status["watchReady"]:
                run["watch_ms"] = (time.monotonic() - started) * 1000
                break
            time.sleep(0.01)
        run["watches"] = status["watchCount"]
        wanted = target[len(root):].encode()
        received = b""
        deadline = time.monotonic() + 10
        while wanted not in received and time.monotonic() < deadline:
            stream.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                received += stream.recv(65536)
            except socket.timeout:
                break
        run["arrived"] = wanted in received
        stream.close()
        time.sleep(1)
        run["rss_mib"] = rss_kib(swell.pid) / 1024
    finally:
        swell.kill()
        swell.wait()
    return run


# Three starts, medians: one start swings by a third here with the page cache and the other core.
runs = [swell_run() for _ in range(3)]
median = lambda key: None if any(r[key] is None for r in runs) else round(sorted(r[key] for r in runs)[1], 1)
results["swell_first_response_ms"] = median("first_response_ms")
results["swell_watch_complete_ms"] = median("watch_ms")
results["swell_watches"] = runs[-1]["watches"]
results["swell_save_during_setup_arrived"] = all(r["arrived"] for r in runs)
results["swell_rss_mib"] = median("rss_mib")

port = free_port()
started = time.monotonic()
peer = subprocess.Popen(
    [sys.executable, "-c",
     f"from livereload import Server; s = Server(); s.watch({root!r}); s.serve(host='127.0.0.1', port={port}, root={root!r}, open_url_delay=None)"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    results["livereload_first_response_ms"] = round(first_response(port, started), 1)
    time.sleep(2)
    results["livereload_rss_mib"] = round(rss_kib(peer.pid) / 1024, 1)
finally:
    peer.kill()
    peer.wait()

# hugo: a site whose static folder is the tree (hugo copies it into memory before it answers).
site = root.rstrip("/") + "-hugo"
os.makedirs(site, exist_ok=True)
with open(os.path.join(site, "hugo.toml"), "w") as f:
    f.write(f'baseURL = "http://127.0.0.1/"\nstaticDir = {json.dumps(root)}\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
port = free_port()
started = time.monotonic()
try:
    peer = subprocess.Popen(["hugo", "server", "-s", site, "-p", str(port), "--bind", "127.0.0.1", "--disableFastRender"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
except OSError:
    peer = None
if peer:
    try:
        results["hugo_first_response_ms"] = round(first_response(port, started), 1)
        time.sleep(2)
        results["hugo_rss_mib"] = round(rss_kib(peer.pid) / 1024, 1)
    except (TimeoutError, OSError, StopIteration) as error:
        print(f"    hugo on the tree: {error}; left out", file=sys.stderr)
    finally:
        peer.kill()
        peer.wait()
print(json.dumps(results))
