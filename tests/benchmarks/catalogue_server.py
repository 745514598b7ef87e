"""Catalogue servers for the harvest benchmarks, run as their own process so their memory is
not counted against the harvester:

    python -m tests.benchmarks.catalogue_server ckan PORT N      # N generated CKAN packages
    python -m tests.benchmarks.catalogue_server file PORT PATH   # one file, streamed
    python -m tests.benchmarks.catalogue_server links PORT PATH MS
        # a data.json whose every distribution URL points back here (spread over the loopback
        # addresses 127.0.0.1-8, eight hosts), each answered after MS ms
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WORDS = [
    "water",
    "rainfall",
    "district",
    "hospital",
    "school",
    "census",
    "crop",
    "market",
    "road",
    "bus",
    "power",
    "forest",
]


def package(i: int) -> dict:
    w = WORDS[i % len(WORDS)]
    return {
        "id": f"pkg-{i:07d}",
        "name": f"dataset-{i:07d}",
        "title": f"{w.capitalize()} statistics {i}",
        "notes": f"Synthetic {w} records number {i}, generated for the harvest benchmark. " * 3,
        "license_id": "cc-by",
        "tags": [{"name": w}, {"name": WORDS[(i * 7) % len(WORDS)]}],
        "groups": [],
        "maintainer": "Data cell",
        "maintainer_email": "data@state.example.in",
        "url": f"https://state.example.in/data/{i}",
        "organization": {"title": "State Statistics Office"},
        "resources": [
            {
                "url": f"https://state.example.in/files/{i}.csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "name": f"{w} {i} (CSV)",
            }
        ],
        "extras": [],
    }


LINK_HOSTS = 8


def relinked(path: str, port: int) -> bytes:
    """The data.json at `path` with each distribution URL moved to this server (same path)."""
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    n = 0
    for dataset in document.get("dataset", []):
        for dist in dataset.get("distribution") or []:
            for key in ("downloadURL", "accessURL"):
                if isinstance(dist.get(key), str):
                    n += 1
                    dist[key] = f"http://127.0.0.{1 + n % LINK_HOSTS}:{port}/link/{n}"
    return json.dumps(document).encode()


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    arg = sys.argv[3]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            if self.path.startswith("/link/"):
                time.sleep(int(sys.argv[4]) / 1000)
                body = b"district,value\nPune,1\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(body)
                return
            if kind == "links":
                body = relinked(arg, port)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if kind == "ckan":
                query = parse_qs(urlsplit(self.path).query)
                start, rows, total = int(query["start"][0]), int(query["rows"][0]), int(arg)
                results = [package(i) for i in range(start, min(total, start + rows))]
                body = json.dumps(
                    {"success": True, "result": {"count": total, "results": results}}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                with open(arg, "rb") as f:
                    f.seek(0, 2)
                    size = f.tell()
                    f.seek(0)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(size))
                    self.end_headers()
                    while chunk := f.read(1 << 16):
                        self.wfile.write(chunk)

    # The links mode answers on every loopback address (its link hosts); the others on one.
    ThreadingHTTPServer(
        ("0.0.0.0" if kind == "links" else "127.0.0.1", port), Handler
    ).serve_forever()


if __name__ == "__main__":
    main()
