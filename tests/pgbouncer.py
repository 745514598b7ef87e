"""A throwaway PgBouncer in transaction mode in front of a PostgreSQL server: CI's PostgreSQL
pass runs the whole suite through one (.ci/run), as production pools its connections.

    python3 -m tests.pgbouncer POSTGRES_URL DIRECTORY   # writes DIRECTORY/pgbouncer.ini,
                                                        # prints the URL that goes through it
Standard library only: .ci/run calls it with the system Python.
"""

import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(postgres_url: str, directory: Path, port: int | None = None) -> str:
    """PgBouncer's configuration in `directory`; returns `postgres_url` rewritten to reach
    the same database through it. Any database name passes through to the server; clients
    log in as the URL's user (auth_type any: a loopback test fixture, never production)."""
    target = urllib.parse.urlsplit(postgres_url)
    port = port or free_port()
    user = target.username or "postgres"
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={target.hostname or '127.0.0.1'} port={target.port or 5432} user={user}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = any\n"
        "pool_mode = transaction\n"
        "max_client_conn = 400\n"
        "default_pool_size = 30\n"
        f"admin_users = {user}\n"
        "ignore_startup_parameters = extra_float_digits\n"
        f"logfile = {directory / 'pgbouncer.log'}\n"
        f"pidfile = {directory / 'pgbouncer.pid'}\n"
    )
    return target._replace(netloc=f"{user}@127.0.0.1:{port}").geturl()


def admin(settings_dict: dict, *commands: str) -> list[list[str]]:
    """Run commands on the admin console of the PgBouncer a Django database's settings point
    at (psql: the console speaks only the simple query protocol); the last one's rows."""
    rows: list[list[str]] = []
    for command in commands:
        done = subprocess.run(
            ["psql", "-h", settings_dict["HOST"], "-p", str(settings_dict["PORT"]), "-U",
             settings_dict["USER"], "-d", "pgbouncer", "-At", "-F", "\t", "-c", command],
            check=True, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        rows = [line.split("\t") for line in done.stdout.splitlines() if line]
    return rows


if __name__ == "__main__":
    print(write_config(sys.argv[1], Path(sys.argv[2])))
