"""A backend that misbehaves, for the proxy tests: it answers with something that is not
HTTP, stops mid-body, closes early, or never answers; /ok is a plain answer, to show Swell still serves.
Prints "PORT n" once it listens on 127.0.0.1, and "CLOSED <path>" when a stalled or silent answer's
connection is closed by the other side (Swell cancelling it)."""

import socket
import socketserver
import sys


class Misbehaving(socketserver.BaseRequestHandler):
    def report_close(self, path):
        """Waits, sending nothing more, until the other side closes; then says so."""
        self.request.settimeout(60)
        try:
            while self.request.recv(65536):
                pass
        except (socket.timeout, OSError):
            return
        print(f"CLOSED {path}", flush=True)

    def handle(self):
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ", 2)[1].decode()
        if path == "/garbage":
            self.request.sendall(b"SSH-2.0-OpenSSH_9.2\r\nthis is not HTTP at all\r\n\r\n")
        elif path == "/early-close":
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nfirst part")
        elif path == "/stall":
            # A streamed answer (chunked, as Flask streams) that stops after its first chunk.
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\na\r\nfirst part\r\n")
            self.report_close(path)
        elif path == "/silent":
            # Reads the request and never answers it.
            self.report_close(path)
        else:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


if __name__ == "__main__":
    server = Server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Misbehaving)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()
