"""A throwaway PostgreSQL server for tests that stop, crash or cut the database: its own data
directory and a free loopback port, never the machine's shared server.

    with ThrowawayPostgres() as pg:
        url = pg.url("suchi")        # after pg.create_database("suchi")
        pg.stop(mode="immediate")    # a crash
        pg.start()
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from .services import free_port, require


def _bin_dir() -> Path | None:
    """Debian keeps the server's programs out of PATH, under /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def require_postgres_binaries() -> Path:
    bin_dir = _bin_dir()
    require(
        "the PostgreSQL server programs",
        bin_dir is not None and (bin_dir / "initdb").exists(),
        "initdb and pg_ctl (apt-get install postgresql) to start a throwaway server",
    )
    return bin_dir


class ThrowawayPostgres:
    def __init__(self, *, settings: tuple[str, ...] = ()):
        self.settings = settings  # more `-c name=value` options, e.g. "log_statement=all"
        self.bin = require_postgres_binaries()
        self.port = free_port()
        # initdb refuses to run as root: then the cluster belongs to the postgres account.
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.dir = Path(tempfile.mkdtemp(prefix="suchi-pg-"))
        if self.run_as:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.data = self.dir / "data"

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self.run_as, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"

    def __enter__(self) -> "ThrowawayPostgres":
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--no-sync", "--locale=C",
        )  # fmt: skip
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop(mode="immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            # Fast and still crash-safe for a process crash (the OS keeps what was written).
            "-c fsync=off -c full_page_writes=off"
            + "".join(f" -c {setting}" for setting in self.settings)
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, **kwargs
        )

    def create_database(self, name: str) -> str:
        with self.connect(autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        """What the server has logged (with log_statement=all: every statement it ran)."""
        return (self.dir / "server.log").read_text(errors="replace")

    def tool(self, name: str) -> str:
        """The path of one of the server's client programs (pg_dump, pg_restore, psql)."""
        return str(self.bin / name)


class ThrowawayReplica(ThrowawayPostgres):
    """A hot standby of a throwaway primary, streaming its WAL: a base backup of the primary
    (`pg_basebackup -R`, which writes the standby's connection to it), started on a port of
    its own.

        with ThrowawayPostgres() as primary, ThrowawayReplica(primary) as replica:
            replica.execute("SELECT pg_wal_replay_pause()")  # a replica that falls behind
    """

    def __init__(self, primary: ThrowawayPostgres, *, settings: tuple[str, ...] = ()):
        super().__init__(settings=settings)
        self.primary = primary

    def __enter__(self) -> "ThrowawayReplica":
        self._run(
            str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port),
            "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
            "--no-sync",
        )  # fmt: skip
        self.start()
        return self

    def execute(self, sql: str, dbname: str = "postgres"):
        with self.connect(dbname, autocommit=True) as conn:
            return conn.execute(sql).fetchall()
