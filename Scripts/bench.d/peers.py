"""Save -> reload message: Swell against the peers, on each tool's own channel, in one run.

Usage: peers.py ROUNDS SPEC...   where SPEC is NAME=KIND:PORT:FILE
  KIND  sse        Swell's /__swell/events
        livereload the LiveReload WebSocket protocol at /livereload (python-livereload, hugo)
        mkdocs     mkdocs serve's long poll at /livereload/EPOCH/ID
  FILE  the file to save, which the tool serves and watches

Rounds alternate tool by tool and save style by save style (in-place write; atomic
temp + rename), so drift on a noisy machine hits every tool alike, with a random pause
between saves so that no tool's polling or batching period lines up with the schedule. The clock starts just
before the save's first system call and stops when the first message's bytes arrive;
messages that follow within 1.5 s count towards "messages per save". Prints JSON.
Only the standard library; every socket is on 127.0.0.1.
"""
import base64, json, os, random, re, socket, statistics, sys, time

from common import p95, save

SETTLE = 1.5


class SSE:
    """Swell: one event-stream connection; a message is a reload or update event."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(f"GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        self.buffer = b""
        self.wait(lambda: b"event: hello" in self.buffer, 10)
        self.buffer = b""

    def wait(self, condition, timeout):
        """Reads until `condition()` holds; False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            if not chunk:
                raise ConnectionError("the connection closed")
            self.absorb(chunk)
        return True

    def absorb(self, chunk):
        self.buffer += chunk

    def messages(self):
        return self.buffer.count(b"event: reload") + self.buffer.count(b"event: update")

    def reset(self):
        self.buffer = b""


class LiveReload(SSE):
    """python-livereload and hugo: the LiveReload protocol over a WebSocket."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n").encode())
        self.raw = b""
        self.buffer = b""
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("no WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
        self.raw = head.split(b"\r\n\r\n", 1)[1]
        self.frames()
        self.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        self.wait(lambda: b'"hello"' in self.buffer, 10)
        # livereload.js says which page it is on; python-livereload only notifies clients that did.
        self.send(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/page.html", "plugins": {}}))
        self.buffer = b""

    def send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81, 0x80 | len(payload)]) if len(payload) < 126 else bytes([0x81, 0xFE]) + len(payload).to_bytes(2, "big")
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def absorb(self, chunk):
        self.raw += chunk
        self.frames()

    def frames(self):
        while len(self.raw) >= 2:
            length = self.raw[1] & 0x7F
            offset = 2
            if length == 126:
                if len(self.raw) < 4:
                    return
                length, offset = int.from_bytes(self.raw[2:4], "big"), 4
            elif length == 127:
                if len(self.raw) < 10:
                    return
                length, offset = int.from_bytes(self.raw[2:10], "big"), 10
            if len(self.raw) < offset + length:
                return
            opcode, payload = self.raw[0] & 0x0F, self.raw[offset:offset + length]
            self.raw = self.raw[offset + length:]
            if opcode == 1:
                self.buffer += payload + b"\n"

    def messages(self):
        return self.buffer.count(b'"reload"')


class MkDocs:
    """mkdocs serve: the page long-polls /livereload/EPOCH/ID, answered with a new epoch on a rebuild."""

    def __init__(self, port):
        self.port = port
        page = self.get("/", 10)
        found = re.search(rb"livereload\((\d+),\s*(\d+)\)", page)
        if not found:
            raise ConnectionError("no livereload script in the mkdocs page")
        self.epoch, self.request = found.group(1).decode(), found.group(2).decode()
        self.count = 0
        self.sock = None
        self.arm()

    def get(self, path, timeout):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        sock.close()
        return data

    def arm(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.sendall(f"GET /livereload/{self.epoch}/{self.request} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nConnection: close\r\n\r\n".encode())
        self.reply = b""

    def wait(self, condition, timeout):
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            if chunk:
                self.reply += chunk
                continue
            body = self.reply.split(b"\r\n\r\n", 1)[-1].strip()
            if body.isdigit() and body.decode() != self.epoch:
                self.epoch = body.decode()
                self.count += 1
            self.arm()
        return True

    def messages(self):
        return self.count

    def reset(self):
        self.count = 0


def main():
    rounds = int(sys.argv[1])
    tools = []
    for spec in sys.argv[2:]:
        name, rest = spec.split("=", 1)
        kind, port, path = rest.split(":", 2)
        listener = {"sse": SSE, "livereload": LiveReload, "mkdocs": MkDocs}[kind](int(port))
        tools.append((name, listener, path))
    results = {name: {} for name, _, _ in tools}
    for style in ["in-place", "temp+rename"]:
        samples = {name: ([], []) for name, _, _ in tools}
        for i in range(rounds):
            for name, listener, path in tools:
                # Let the previous burst settle, with jitter: hugo batches changes on a 500 ms tick and
                # python-livereload polls every 800 ms, so a fixed period would lock onto their phase.
                time.sleep(0.3 + random.random() * 0.8)
                listener.reset()
                start = time.monotonic()
                save(style, path, f"<p>{style} {i} {name}</p>\n")
                if not listener.wait(lambda: listener.messages() >= 1, 10):
                    samples[name][1].append(0)
                    continue
                samples[name][0].append((time.monotonic() - start) * 1000)
                listener.wait(lambda: False, SETTLE)
                samples[name][1].append(listener.messages())
        for name, (latencies, counts) in samples.items():
            latencies.sort()
            results[name][style] = {
                "median_ms": round(statistics.median(latencies), 1) if latencies else None,
                "p95_ms": round(p95(latencies), 1) if latencies else None,
                "messages_per_save": round(sum(counts) / len(counts), 2),
                "missed": counts.count(0),
            }
    print(json.dumps(results))


main()
