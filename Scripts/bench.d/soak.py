"""Soak: N live-reload clients and a steady request load for MINUTES, a file changed every 2 s.

Usage: soak.py BASE_URL SWELL_PID ROOT N MINUTES
Checks at the end that every client got every event (ids in order, ending at the server's
last id; a gap is allowed only where a full queue collapsed into a reload), that RSS stayed
flat (samples every 10 s), and that Swell's descriptors return to the baseline once the
clients leave. Prints JSON. Every socket is on 127.0.0.1; every loop is bounded.
"""
import json, os, re, resource, selectors, socket, sys, threading, time, urllib.request

import common

base, pid, root, count, minutes = sys.argv[1].rstrip("/"), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
port = int(base.rsplit(":", 1)[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1000)), hard))


def rss_mib():
    return common.rss_kib(pid) / 1024


def descriptors():
    return common.descriptors(pid)


fds_before = descriptors()
selector = selectors.DefaultSelector()
streams = []
request = f"GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
for _ in range(count):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(request)
    sock.setblocking(False)
    state = {"data": b"", "ids": [], "reloads_with_gap": 0}
    selector.register(sock, selectors.EVENT_READ, state)
    streams.append(sock)
    if len(streams) % 250 == 0:
        for key, _ in selector.select(timeout=0.01):
            pass

stop = threading.Event()
served = [0]


def load():
    while not stop.is_set():
        try:
            with urllib.request.urlopen(base + "/1k.txt", timeout=10) as response:
                response.read()
                served[0] += 1
        except OSError:
            time.sleep(0.01)


def changes():
    index = 0
    while not stop.wait(2):
        with open(os.path.join(root, "page.html"), "w") as f:
            f.write(f"<p>soak {index}</p>")
        index += 1


threads = [threading.Thread(target=load, daemon=True) for _ in range(2)] + [threading.Thread(target=changes, daemon=True)]
for thread in threads:
    thread.start()
samples = []
end = time.monotonic() + minutes * 60
next_sample = time.monotonic()
pattern = re.compile(rb"id: ([0-9a-f]+)\.(\d+)\nevent: (\w+)")
while time.monotonic() < end + 3:
    if time.monotonic() >= next_sample:
        samples.append(round(rss_mib(), 1))
        next_sample += 10
    if time.monotonic() >= end:
        stop.set()
    for key, _ in selector.select(timeout=0.2):
        try:
            chunk = key.fileobj.recv(65536)
        except BlockingIOError:
            continue
        if not chunk:
            continue
        state = key.data
        state["data"] += chunk
        *complete, state["data"] = state["data"].split(b"\n\n")
        for block in complete:
            found = pattern.search(block + b"\n")
            if found:
                state["ids"].append((int(found.group(2)), found.group(3)))

with urllib.request.urlopen(base + "/__swell/status", timeout=10) as response:
    last = int(json.loads(response.read())["lastEventId"].rsplit(".", 1)[1])
complete = gaps_as_reload = broken = 0
for sock in streams:
    ids = selector.get_key(sock).data["ids"]
    numbers = [number for number, _ in ids]
    ok = numbers and numbers[-1] == last and all(b > a for a, b in zip(numbers, numbers[1:]))
    gaps = [(a, b, name) for (a, _), (b, name) in zip(ids, ids[1:]) if b != a + 1]
    if ok and not gaps and numbers[0] == 1:
        complete += 1
    elif ok and all(name == b"reload" for _, _, name in gaps):
        gaps_as_reload += 1
    else:
        broken += 1
for sock in streams:
    selector.unregister(sock)
    sock.close()
deadline = time.monotonic() + 15
while descriptors() > fds_before + 2 and time.monotonic() < deadline:
    time.sleep(0.1)
print(json.dumps({
    "clients": count, "minutes": minutes, "events": last, "requests_served": served[0],
    "clients_with_every_event": complete, "clients_with_a_collapse_reload": gaps_as_reload, "clients_missing_events": broken,
    "rss_mib_samples": samples, "rss_mib_min": min(samples), "rss_mib_max": max(samples),
    "fds_before": fds_before, "fds_after": descriptors(),
}))
