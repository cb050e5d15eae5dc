#!/usr/bin/env python3
"""A stand-in for a service's /debug/pprof/, for tests/capture.sh.

Serves on 127.0.0.1 at a port the system picks, printed as the first line
of stdout, the paths below; everything else is a 404. FIXTURE is the
profile /ok serves.

    /ok, /debug/pprof/goroutine   FIXTURE as it is
    /auth                         FIXTURE, with basic auth u:secret (else 401)
    /redirect                     302 to /ok
    /loop                         302 to itself, for ever
    /500                          500
    /gopprof404                   404 as Go's net/http/pprof says it (X-Go-Pprof)
    /slow                         headers, then a body byte a second
    /huge                         a body streamed without end (no length)
    /huge-length                  a Content-Length of 8 GiB, then zeros
    /garbage                      200 with bytes that are no profile
    /html                         200 with an HTML page
    /reset                        the connection reset before any response
    /seconds                      FIXTURE, and records the query in LOG

Asked as a proxy (GET http://any-host/PATH), it serves PATH the same way.

Usage: capture_server.py FIXTURE LOG
"""
import http.server
import socket
import struct
import sys
import time

FIXTURE = sys.argv[1]
LOG = sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        with open(LOG, "a") as f:
            f.write("%s\n" % self.path)

    def send_body(self, code, body, ctype="application/octet-stream", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, to):
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream(self, chunk, pause):
        """Writes chunk over and over until the client goes away."""
        try:
            while True:
                self.wfile.write(chunk)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.startswith("http://"):
            # A proxy's request names the whole URL: serve its path.
            path = "/" + path[len("http://"):].partition("/")[2]
            with open(LOG, "a") as f:
                f.write("proxied %s\n" % self.path)
        with open(FIXTURE, "rb") as f:
            fixture = f.read()
        if path in ("/ok", "/debug/pprof/goroutine", "/seconds"):
            self.send_body(200, fixture)
        elif path == "/auth":
            # "u:secret" in base64
            if self.headers.get("Authorization") == "Basic dTpzZWNyZXQ=":
                self.send_body(200, fixture)
            else:
                self.send_body(401, b"who are you\n", "text/plain")
        elif path == "/redirect":
            self.redirect("/ok")
        elif path == "/loop":
            self.redirect("/loop")
        elif path == "/500":
            self.send_body(500, b"boom\n", "text/plain")
        elif path == "/gopprof404":
            self.send_body(404, b"Unknown profile\n", "text/plain; charset=utf-8",
                           [("X-Go-Pprof", "1")])
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self.stream(b"\x1f", 1.0)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.stream(b"\0" * 65536, 0)
        elif path == "/huge-length":
            self.send_response(200)
            self.send_header("Content-Length", str(8 << 30))
            self.end_headers()
            self.stream(b"\0" * 65536, 0)
        elif path == "/garbage":
            self.send_body(200, bytes(range(7, 250)) * 4)
        elif path == "/html":
            self.send_body(200, b"<!DOCTYPE html><html><body>Login</body></html>\n", "text/html")
        elif path == "/reset":
            # SO_LINGER 0: close() sends a reset, not a clean end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        else:
            self.send_body(404, b"404 page not found\n", "text/plain")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
