"""Fan-out: N live-reload clients on /__swell/events, one change, time until the last has it.

Usage: fanout.py BASE_URL SWELL_PID N
Connects N event streams (in batches, each waiting for its hello), reads Swell's RSS and
descriptor count before and after, publishes one change with POST /__swell/reload (no
batching, so the clock starts when the event exists), and waits until every stream has
received it. Then closes every stream and checks that Swell's descriptors go back to the
baseline. Prints JSON. Every socket is on 127.0.0.1; every loop is bounded.

When a stream "has" the event is the kernel's receive timestamp of its bytes
(SO_TIMESTAMPNS), not the moment this script gets round to reading that socket: on a
2-core machine a reader that walks 10,000 sockets in Python while Swell writes them takes
a core away from the server and adds its own queueing to the figure. So the script stays
idle while the event goes out and reads the timestamps afterwards; real clients sit on
other machines. The figure a busy reader sees is kept too (`last_read_ms`).
"""
import json, os, resource, selectors, socket, struct, sys, threading, time

import common

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)

base, pid, count = sys.argv[1].rstrip("/"), int(sys.argv[2]), int(sys.argv[3])
port = int(base.rsplit(":", 1)[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1000)), hard))


def rss_kib():
    return common.rss_kib(pid)


def descriptors():
    return common.descriptors(pid)


def read_until_all(selector, pending, needle, timeout):
    """Reads from every registered socket until each in `pending` has seen `needle`.

    Returns, per socket, (when this script read it, time.time(); when the kernel received
    the bytes that completed `needle`, time.time() scale)."""
    arrivals = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            try:
                chunk, ancillary, _, _ = sock.recvmsg(65536, socket.CMSG_SPACE(16))
            except BlockingIOError:
                continue
            if not chunk:
                raise ConnectionError("a stream was closed by the server")
            received = next((struct.unpack("qq", data[:16]) for level, kind, data in ancillary
                             if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS), None)
            key.data["seen"] += chunk
            if sock in pending and needle in key.data["seen"]:
                pending.discard(sock)
                read_at = time.time()
                arrivals[sock] = (read_at, received[0] + received[1] / 1e9 if received else read_at)
                key.data["seen"] = b""
    if pending:
        raise TimeoutError(f"{len(pending)} streams never saw {needle!r}")
    return arrivals


time.sleep(0.5)
rss_before, fds_before = rss_kib(), descriptors()
selector = selectors.DefaultSelector()
sockets = []
request = f"GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
started = time.monotonic()
for batch in range(0, count, 250):
    fresh = set()
    for _ in range(min(250, count - batch)):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.sendall(request)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, {"seen": b""})
        sockets.append(sock)
        fresh.add(sock)
    read_until_all(selector, fresh, b"event: hello", 60)
connect_seconds = time.monotonic() - started
time.sleep(1)
rss_connected, fds_connected = rss_kib(), descriptors()

def publish():
    """Sends POST /__swell/reload; returns the connection (to close later) and the wall clock it was sent at."""
    trigger = socket.create_connection(("127.0.0.1", port), timeout=10)
    published = time.time()
    trigger.sendall(f"POST /__swell/reload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
    return trigger, published


def idle_round():
    """One change with this script idle while it goes out (see the module comment); sorted arrival ms."""
    trigger, published = publish()
    trigger.recv(4096)
    time.sleep(2)
    arrivals = read_until_all(selector, set(sockets), b"event: reload", 120)
    trigger.close()
    return sorted((received - published) * 1000 for _, received in arrivals.values())


# Three changes; the round with the median last arrival counts. One full run had a round in
# which the writes trickled out over 1.9 s, where the same server on its own takes 0.2 s and
# the busy-reader round right after took 0.33 s; its cause was not found, so one round alone
# must not make the figure. All three are kept (last_ms_rounds).
rounds = sorted((idle_round() for _ in range(3)), key=lambda arrivals: arrivals[-1])
times = rounds[1]

# The same change seen by a reader that is busy reading while Swell writes.
trigger, published = publish()
read_times = sorted((read_at - published) * 1000 for read_at, _ in read_until_all(selector, set(sockets), b"event: reload", 120).values())
trigger.close()

for sock in sockets:
    selector.unregister(sock)
    sock.close()
deadline = time.monotonic() + 15
while descriptors() > fds_before + 2 and time.monotonic() < deadline:
    time.sleep(0.1)
fds_after = descriptors()


def kernel_floor(pairs):
    """How long the kernel alone takes to hand one event's bytes to `pairs` loopback sockets.

    No server: this script holds both ends and sends the same bytes on each, from two
    threads (this machine has two cores; send releases the GIL). The floor any server on
    this machine can reach for the fan-out above, whatever its language."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    ends = []
    try:
        for _ in range(pairs):
            client = socket.create_connection(listener.getsockname())
            ends.append((client, listener.accept()[0]))
        message = b"3b\r\nid: 0123456789abcdef.2\nevent: reload\ndata: {\"paths\":[]}\n\n\r\n"
        senders = [end for _, end in ends]
        halves = [senders[0::2], senders[1::2]]
        best = None
        for _ in range(3):
            gate = threading.Barrier(3)
            def send_all(group):
                gate.wait()
                for end in group: end.send(message)
            threads = [threading.Thread(target=send_all, args=(half,)) for half in halves]
            for thread in threads: thread.start()
            gate.wait()
            started = time.perf_counter()
            for thread in threads: thread.join()
            elapsed = (time.perf_counter() - started) * 1000
            best = elapsed if best is None else min(best, elapsed)
            for client, _ in ends: client.recv(4096)
        return best
    finally:
        for client, server in ends:
            client.close()
            server.close()
        listener.close()


# Both ends of each pair are this process's: as many pairs as its descriptor limit allows.
floor_pairs = min(count, (resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 100) // 2)
floor_ms = kernel_floor(floor_pairs)
print(json.dumps({
    "clients": count,
    "connect_s": round(connect_seconds, 2),
    "first_ms": round(times[0], 1),
    "median_ms": round(times[len(times) // 2], 1),
    "last_ms": round(times[-1], 1),
    "last_ms_rounds": [round(r[-1], 1) for r in rounds],
    "last_read_ms": round(read_times[-1], 1),
    "rss_before_mib": round(rss_before / 1024, 1),
    "rss_connected_mib": round(rss_connected / 1024, 1),
    "kib_per_client": round((rss_connected - rss_before) / count, 2),
    "fds_before": fds_before,
    "fds_connected": fds_connected,
    "fds_after": fds_after,
    "kernel_floor_pairs": floor_pairs,
    "kernel_floor_ms": round(floor_ms, 1),
}))
