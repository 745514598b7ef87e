"""Catalogue servers for the harvest benchmarks, run as their own process so their memory is
not counted against the harvester:

    python -m tests.benchmarks.catalogue_server ckan PORT N      # N generated CKAN packages
    python -m tests.benchmarks.catalogue_server file PORT PATH   # one file, streamed
"""

import json
import sys
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


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    arg = sys.argv[3]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
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

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
