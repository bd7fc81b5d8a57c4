"""A webhook receiver for the crash test: records every request's webhook-id and a hash of its body, answering 500 to
every third request the first time its webhook-id comes (so that deliveries stay pending across the crashes, and none
fails so often that it is given up) and 200 otherwise.

Usage: receiver.py PORT LOG  (a JSON line per request: {"id", "sha256"})
"""
import hashlib
import http.server
import json
import sys
import threading

port, log_path = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
count = 0
failed = set()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if len(body) < length:  # the sender was killed mid-request: nothing was delivered
            return
        with lock:
            count += 1
            event = self.headers.get("webhook-id")
            fail = count % 3 == 0 and event not in failed
            if fail:
                failed.add(event)
            with open(log_path, "a") as log:
                log.write(json.dumps({"id": self.headers.get("webhook-id"), "sha256": hashlib.sha256(body).hexdigest()}) + "\n")
        self.send_response(500 if fail else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
