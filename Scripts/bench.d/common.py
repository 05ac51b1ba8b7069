"""What every bench script shares: free ports, summary statistics, editor save styles, a
reader of Swell's event stream, process memory and descriptors, and a headless Chromium
session over chromedriver. Every socket is on 127.0.0.1; every wait has a deadline."""
import json, os, socket, statistics, subprocess, time, urllib.request


def free_port():
    """A port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Children:
    """The processes a bench script starts, with their output dropped, and stops on its way out."""

    def __init__(self):
        self.processes = []

    def start(self, args, **kwargs):
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, -(-len(ordered) * 95 // 100) - 1)]


def summary(values, digits=1):
    """{"median_ms", "p95_ms"} of millisecond values."""
    return {"median_ms": round(statistics.median(values), digits), "p95_ms": round(p95(values), digits)}


SAVE_STYLES = ["in-place", "temp+rename", "backup+write", "touch", "vim-4913"]


def save(style, path, text):
    """Writes `text` to `path` the way an editor does (SAVE_STYLES)."""
    folder, name = os.path.split(path)
    if style == "in-place":
        with open(path, "r+") as f:
            f.truncate(0)
            f.write(text)
    elif style == "temp+rename":
        temp = os.path.join(folder, "." + name + ".tmp")
        with open(temp, "w") as f:
            f.write(text)
        os.rename(temp, path)
    elif style == "backup+write":
        os.rename(path, path + "~")
        with open(path, "w") as f:
            f.write(text)
        os.remove(path + "~")
    elif style == "touch":
        os.utime(path, None)
    elif style == "vim-4913":
        probe = os.path.join(folder, "4913")
        open(probe, "w").close()
        os.remove(probe)
        os.rename(path, path + "~")
        with open(path, "w") as f:
            f.write(text)
        os.remove(path + "~")
    else:
        raise ValueError(style)


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class EventStream:
    """One connection to Swell's /__swell/events, read as bytes arrive."""

    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, int(port)))
        self.sock.sendall(f"GET /__swell/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        self.sock.settimeout(5)
        self.buffer = b""

    def read_until(self, needle, timeout=5):
        """Reads until `needle` has arrived; returns what came before it and consumes both."""
        deadline = time.monotonic() + timeout
        while needle not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError(needle)
            self.buffer += self.sock.recv(65536)
        before, self.buffer = self.buffer.split(needle, 1)
        return before

    def wait_for(self, needle, timeout=5):
        """Reads until `needle` has arrived, then drops everything up to and including it."""
        self.read_until(needle, timeout)


def rss_kib(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def descriptors(pid="self"):
    return len(os.listdir(f"/proc/{pid}/fd"))


def http_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


class Chromium:
    """Headless Chromium through chromedriver's W3C protocol on a free loopback port."""

    def __init__(self):
        self.port = free_port()
        self.driver = subprocess.Popen(["chromedriver", f"--port={self.port}", "--allowed-ips=127.0.0.1"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.session = None
        try:
            for _ in range(100):
                try:
                    self.call("GET", "/status")
                    break
                except Exception:
                    time.sleep(0.1)
            self.session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}}}})["sessionId"]
        except BaseException:
            self.quit()
            raise

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def session_call(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self.session_call("POST", "/url", {"url": url})

    def js(self, script):
        return self.session_call("POST", "/execute/sync", {"script": script, "args": []})

    def wait(self, script, timeout=10, every=0.02):
        """The first truthy value of `script`; TimeoutError after `timeout` seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(script)
            if value:
                return value
            time.sleep(every)
        raise TimeoutError(script)

    def quit(self):
        if self.session:
            try:
                self.session_call("DELETE", "")
            except Exception:
                pass
        try:
            os.killpg(self.driver.pid, 9)
        except ProcessLookupError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()
