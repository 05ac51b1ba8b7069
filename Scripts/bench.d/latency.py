"""Save -> live-reload event latency for each editor save style, read off /__swell/events.

Usage: latency.py BASE_URL ROOT ROUNDS
Prints one JSON object: per style, the median and p95 latency in ms and events per save.
The clock starts just before the save's first system call and stops when the event's
bytes arrive on the socket. All traffic is on 127.0.0.1.
"""
import json, os, socket, statistics, sys, time

base, root, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = base.split("//")[1].rstrip("/").split(":")

def save(style, path, text):
    folder, name = os.path.split(path)
    if style == "in-place":
        with open(path, "r+") as f:
            f.truncate(0); f.write(text)
    elif style == "temp+rename":
        temp = os.path.join(folder, "." + name + ".tmp")
        with open(temp, "w") as f: f.write(text)
        os.rename(temp, path)
    elif style == "backup+write":
        os.rename(path, path + "~")
        with open(path, "w") as f: f.write(text)
        os.remove(path + "~")
    elif style == "touch":
        os.utime(path, None)
    elif style == "vim-4913":
        probe = os.path.join(folder, "4913")
        open(probe, "w").close(); os.remove(probe)
        os.rename(path, path + "~")
        with open(path, "w") as f: f.write(text)
        os.remove(path + "~")

sock = socket.create_connection((host, int(port)))
sock.sendall(f"GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
sock.settimeout(5)
buffer = b""
def wait_for(needle, deadline):
    global buffer
    while needle not in buffer:
        if time.monotonic() > deadline: raise TimeoutError(needle)
        buffer += sock.recv(65536)
    index = buffer.index(needle)
    buffer = buffer[index + len(needle):]

wait_for(b"event: hello", time.monotonic() + 10)
page = os.path.join(root, "page.html")
marker = os.path.join(root, "marker.txt")
results = {}
for style in ["in-place", "temp+rename", "backup+write", "touch", "vim-4913"]:
    latencies, counts = [], []
    for i in range(rounds):
        time.sleep(0.15)  # let the previous burst settle; not part of any measurement
        start = time.monotonic()
        save(style, page, f"<p>{style} {i}</p>")
        wait_for(b'"/page.html"', time.monotonic() + 5)
        latencies.append((time.monotonic() - start) * 1000)
        # Count events for the page until the marker's own event arrives.
        with open(marker, "w") as f: f.write(str(i))
        seen = buffer
        deadline = time.monotonic() + 5
        while b'"/marker.txt"' not in seen:
            if time.monotonic() > deadline: raise TimeoutError("marker")
            seen += sock.recv(65536)
        counts.append(1 + seen.split(b'"/marker.txt"')[0].count(b'"/page.html"'))
        buffer = seen.split(b'"/marker.txt"', 1)[1]
    latencies.sort()
    results[style] = {
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[min(len(latencies) - 1, -(-len(latencies) * 95 // 100) - 1)], 2),
        "events_per_save": round(sum(counts) / len(counts), 2),
    }
print(json.dumps(results))
