"""A real HTTP server on 127.0.0.1 for tests: it records every request and answers with a scripted
status and JSON body, so channel payloads, URLs and signatures are checked as sent."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class RobotServer:
    def __init__(self, answers=None):
        self.requests = []
        self.answers = list(answers or [])  # (status, body dict) per request; then 200 {"errcode": 0}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                parsed = urlparse(self.path)
                server.requests.append({"path": parsed.path, "query": parse_qs(parsed.query),
                                        "headers": dict(self.headers), "json": json.loads(body or b"{}")})
                status, answer = server.answers.pop(0) if server.answers else (200, {"errcode": 0, "errmsg": "ok"})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
