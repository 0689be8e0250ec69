#!/usr/bin/env python3
"""A stand-in for the Hugging Face Hub in the CLI tests: serves ROOT/<id>/resolve/main/<file>
with HTTP Range support, answers 401 under /gated/ (and
/private/ without "Authorization: Bearer secret"), and redirects /moved/... to /org/... (as
the Hub sends LFS files to its CDN). Usage: hub_server.py ROOT PORT_FILE (writes the port it
listens on, then serves)."""
import http.server
import os
import re
import sys

root, port_file = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        gated = self.path.startswith("/gated/")
        if self.path.startswith("/private/"):  # HF_TOKEN=secret opens it
            gated = self.headers.get("Authorization") != "Bearer secret"
            self.path = "/org/" + self.path[len("/private/"):]
        if gated:
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/moved/"):
            self.send_response(302)
            self.send_header("Location", "/org/" + self.path[len("/moved/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = os.path.normpath(os.path.join(root, self.path.lstrip("/")))
        if not path.startswith(os.path.abspath(root)) or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            data = f.read()
        if path.endswith(".safetensors") and "Range" not in self.headers:
            self.send_response(400)  # the weights are never downloaded whole
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match:
            start = int(match.group(1))
            end = min(int(match.group(2) or len(data) - 1), len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            data = data[start : end + 1]
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
