"""A tiny Docker engine over HTTP: the few API endpoints the operator uses, answered from recorded attributes.

The real SDK talks to it (``docker.DockerClient(base_url="tcp://127.0.0.1:<port>", version="auto")``), so the
tests exercise the SDK's requests and parsing as well as ours, without a daemon. Only what the operator needs is
served; anything else answers 501, so an unexpected call shows up as a failure rather than passing quietly.
"""

from __future__ import annotations

import json
import re
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

API_VERSION = "1.41"  # Debian's dockerd 20.10
STDOUT = 1


@dataclass
class FakeEngine:
    """Recorded engine state and what the clients asked of it."""

    containers: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> inspect attrs
    logs: dict[str, bytes] = field(default_factory=dict)
    images: dict[str, dict[str, Any]] = field(default_factory=dict)  # tag -> inspect attrs
    failing: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (status, message) on any call
    calls: list[str] = field(default_factory=list)  # "METHOD path?query" as received
    created: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> body of POST /containers/create

    def add_container(self, name: str, labels: dict[str, str], status: str = "running", health: str = "",
                      ports: dict[str, list[dict[str, str]] | None] | None = None) -> None:
        state: dict[str, Any] = {"Status": status, "Running": status == "running", "Pid": 4242}
        if health:
            state["Health"] = {"Status": health, "FailingStreak": 0, "Log": []}
        self.containers[name] = {
            "Id": f"{abs(hash(name)):064x}"[:64], "Name": f"/{name}", "State": state,
            "Config": {"Labels": labels, "Tty": False, "Image": "ipledger/test:1"},
            "NetworkSettings": {"Ports": ports or {}, "Networks": {}}, "Mounts": [],
        }

    def find(self, ref: str) -> tuple[str, dict[str, Any]] | None:
        for name, attrs in self.containers.items():
            if ref in (name, attrs["Id"]):
                return name, attrs
        return None


def _matches(labels: dict[str, str], wanted: list[str]) -> bool:
    # The engine's label filter: "key" needs the label, "key=value" that value; every entry must hold.
    for entry in wanted:
        key, eq, value = entry.partition("=")
        if key not in labels or (eq and labels[key] != value):
            return False
    return True


def _frame(payload: bytes) -> bytes:
    # Logs of a container without a TTY are multiplexed: 8-byte header (stream, 0, 0, 0, big-endian size).
    return struct.pack(">BxxxL", STDOUT, len(payload)) + payload


class _Handler(BaseHTTPRequestHandler):
    engine: FakeEngine  # set on the subclass made per server
    # One request per connection: a closed server is then really gone for the client, not kept alive.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean

    def _send(self, status: int, body: Any = None, raw: bytes | None = None,
              content_type: str = "application/json") -> None:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, {"message": message})

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.engine.calls.append(f"{method} {url.path}?{url.query}")
        path = re.sub(r"^/v1\.\d+", "", url.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"null") if length else None
        if path == "/version":
            return self._send(200, {"ApiVersion": API_VERSION, "Version": "20.10.24", "MinAPIVersion": "1.12"})
        if path == "/_ping":
            return self._send(200, raw=b"OK", content_type="text/plain")
        if path == "/containers/json" and method == "GET":
            wanted = json.loads(query.get("filters", ["{}"])[0]).get("label", [])
            show_all = query.get("all", ["0"])[0] in ("1", "true", "True")
            listed = [{"Id": a["Id"], "Names": [a["Name"]]} for a in self.engine.containers.values()
                      if _matches(a["Config"]["Labels"], wanted) and (show_all or a["State"]["Running"])]
            return self._send(200, listed)
        if path == "/containers/create" and method == "POST":
            return self._create(query["name"][0], body or {})
        m = re.fullmatch(r"/containers/([^/]+)(/json|/logs|/start)?", path)
        if m:
            return self._container(method, unquote(m.group(1)), m.group(2) or "")
        m = re.fullmatch(r"/images/(.+)/json", path)
        if m and method == "GET":
            tag = unquote(m.group(1))
            if tag not in self.engine.images:
                return self._error(404, f"No such image: {tag}")
            return self._send(200, self.engine.images[tag])
        return self._error(501, f"the fake engine does not serve {method} {path}")

    def _container(self, method: str, ref: str, action: str) -> None:
        found = self.engine.find(ref)
        if found is None:
            return self._error(404, f"No such container: {ref}")
        name, attrs = found
        if name in self.engine.failing:
            return self._error(*self.engine.failing[name])
        if method == "GET" and action == "/json":
            return self._send(200, attrs)
        if method == "GET" and action == "/logs":
            return self._send(200, raw=_frame(self.engine.logs.get(name, b"")),
                              content_type="application/vnd.docker.raw-stream")
        if method == "POST" and action == "/start":
            attrs["State"].update(Status="running", Running=True)
            return self._send(204)
        if method == "DELETE" and action == "":
            del self.engine.containers[name]
            return self._send(204)
        return self._error(501, f"the fake engine does not serve {method} /containers/{ref}{action}")

    def _create(self, name: str, body: dict[str, Any]) -> None:
        if name in self.engine.containers:
            return self._error(409, f'Conflict. The container name "/{name}" is already in use')
        self.engine.created[name] = body
        self.engine.add_container(name, dict(body.get("Labels") or {}), status="created")
        return self._send(201, {"Id": self.engine.containers[name]["Id"], "Warnings": []})

    def do_GET(self) -> None:
        self._route("GET")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def do_POST(self) -> None:
        self._route("POST")


class FakeEngineServer:
    """Serves a FakeEngine on a free loopback port until closed."""

    def __init__(self, engine: FakeEngine) -> None:
        handler = type("Handler", (_Handler,), {"engine": engine})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"tcp://{host!s}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
