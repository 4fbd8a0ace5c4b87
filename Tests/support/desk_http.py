"""What the Python tests and benchmarks of the desk share: a desk started on a free loopback port,
requests timed, a sign-in, and checks counted ("N passed, M failed")."""
import json
import socket
import subprocess
import time
import urllib.request


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, ok, what):
        if ok:
            self.passed += 1
            print("ok   ", what)
        else:
            self.failed += 1
            print("FAIL ", what)

    def summary(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


class Desk:
    """`renju serve` on a free loopback port (plain HTTP), waited for; stop() ends it."""

    def __init__(self, renju, db, extra=(), timeout=120):
        s = socket.socket(); s.bind(("127.0.0.1", 0)); self.port = s.getsockname()[1]; s.close()
        self.base = f"http://127.0.0.1:{self.port}"
        self.timeout = timeout
        self.server = subprocess.Popen([renju, "serve", "--db", db, "--port", str(self.port), "--as-of", "2025-10-31", *extra],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.request("GET", "/login"); break
            except Exception:
                time.sleep(0.1)

    def request(self, method, path, body=None, headers=None):
        """(status, body, milliseconds, headers)."""
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            data = r.read()
            return r.status, data, (time.perf_counter() - t0) * 1000, r.headers

    def login(self, name, password):
        """(cookie, csrf) of a session."""
        _, data, _, headers = self.request("POST", "/api/login", json.dumps({"login": name, "password": password}).encode())
        return headers["Set-Cookie"].split(";")[0], json.loads(data)["csrf"]

    def stop(self):
        self.server.terminate(); self.server.wait()
