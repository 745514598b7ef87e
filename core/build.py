"""What this process runs: a digest of the project's code and data files and of the installed
packages' versions, the same for every process of one deployment and different for the next.
Answers cached across processes (core/response_cache.py) are keyed by it, so a deployment
never serves what an earlier one cached."""

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "catalog", "config", "consent", "core", "exchange", "harvest", "identity", "registry",
    "rights", "web", "locale",
)  # fmt: skip
SUFFIXES = {".py", ".json", ".jsonld", ".ttl", ".csv", ".mo", ".html", ".txt"}


@lru_cache(maxsize=1)
def build_id() -> str:
    """About 3 MB read once a process (a few milliseconds)."""
    digest = hashlib.blake2b(digest_size=8)
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    packages = sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()
    )
    digest.update("\n".join(packages).encode())
    return digest.hexdigest()
