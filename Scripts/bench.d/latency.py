"""Save -> live-reload event latency for each editor save style, read off /__swell/events.

Usage: latency.py BASE_URL ROOT ROUNDS
Prints one JSON object: per style, the median and p95 latency in ms and events per save.
The clock starts just before the save's first system call and stops when the event's
bytes arrive on the socket. All traffic is on 127.0.0.1.
"""
import json, os, statistics, sys, time

from common import SAVE_STYLES, EventStream, p95, save

base, root, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = base.split("//")[1].rstrip("/").split(":")

stream = EventStream(port, host)
stream.wait_for(b"event: hello", 10)
page = os.path.join(root, "page.html")
marker = os.path.join(root, "marker.txt")
results = {}
for style in SAVE_STYLES:
    latencies, counts = [], []
    for i in range(rounds):
        time.sleep(0.15)  # let the previous burst settle; not part of any measurement
        start = time.monotonic()
        save(style, page, f"<p>{style} {i}</p>")
        stream.wait_for(b'"/page.html"')
        latencies.append((time.monotonic() - start) * 1000)
        # Count events for the page until the marker's own event arrives.
        with open(marker, "w") as f: f.write(str(i))
        counts.append(1 + stream.read_until(b'"/marker.txt"').count(b'"/page.html"'))
    latencies.sort()
    results[style] = {
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(p95(latencies), 2),
        "events_per_save": round(sum(counts) / len(counts), 2),
    }
print(json.dumps(results))
