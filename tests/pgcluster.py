"""A throwaway PostgreSQL server for the city server's tests, from the distribution's packages.

`./dev test` installs `postgresql` (scripts/system-deps.sh); the session fixture
`postgres_cluster` makes a cluster in a temporary folder with the package's `initdb`, starts it
with `pg_ctl` listening on a Unix socket in that folder only (no TCP port, so parallel runs on
one machine never collide), and removes it at the end. As root it runs the server as the
`postgres` system user the package creates (PostgreSQL refuses to run as root). Durability
settings are off: the cluster lives only as long as the test session.

`postgres_url` gives each test a fresh, empty database of its own on that server.
KIOSK_TEST_POSTGRES_URL=postgresql://… uses a server you run yourself instead (its database
is emptied for each test).

Without PostgreSQL the PostgreSQL tests are skipped with the reason, except under CI (CI=true),
where they fail: CI must test the real server.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

PORT = 5432  # names the socket file only; nothing listens on TCP
_counter = itertools.count(1)


class Unavailable(Exception):
    pass


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise Unavailable("no initdb: install the distribution's postgresql package "
                      "(./dev setup does, as root)")


def _as_user() -> tuple[list[str], int | None, int | None]:
    """The command prefix and uid/gid to run the server as."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable("running as root and there is no 'postgres' system user to run "
                          "the server as (the postgresql package creates it)") from None
    runuser = shutil.which("runuser")
    prefix = [runuser, "-u", "postgres", "--"] if runuser else None
    if prefix is None:
        raise Unavailable("running as root without runuser to start the server as postgres")
    return prefix, user.pw_uid, user.pw_gid


class Cluster:
    """`durable`: fsync and synchronous commits on, as a production server runs (the
    benchmarks); off for tests."""

    def __init__(self, *, durable: bool = False) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise Unavailable("the psycopg package is missing: pip install -e '.[dev]'") \
                from None
        self.bin = _bin_dir()
        self.prefix, uid, gid = _as_user()
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if uid is not None:
            os.chown(self.root, uid, gid)
        os.chmod(self.root, 0o700)
        self.user = "postgres" if uid is not None else pwd.getpwuid(os.geteuid()).pw_name
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust",
                  "-E", "UTF8", "--locale", "C", "--no-sync")
        options = f"-k {self.root} -c listen_addresses='' -p {PORT} -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")
        self.admin_url = self.url("postgres")
        self.pid_file = self.data / "postmaster.pid"

    def _run(self, tool: str, *args: str) -> None:
        r = subprocess.run([*self.prefix, str(self.bin / tool), *args], capture_output=True,
                           text=True, timeout=120, cwd=self.root)
        if r.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise Unavailable(f"{tool} failed: {(r.stderr or r.stdout).strip()[-1500:]} {log}")

    def url(self, database: str) -> str:
        return (f"postgresql://{quote(self.user)}@/{database}"
                f"?host={quote(str(self.root), safe='')}&port={PORT}")

    def create_database(self) -> str:
        import psycopg

        name = f"city_test_{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(Unavailable, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL is required under CI and could not be started: {reason}",
                    pytrace=False)
    pytest.skip(f"no PostgreSQL to test with: {reason}")


@pytest.fixture(scope="session")
def postgres_cluster():
    """A running throwaway cluster (or None with KIOSK_TEST_POSTGRES_URL)."""
    if os.environ.get("KIOSK_TEST_POSTGRES_URL"):
        yield None
        return
    try:
        cluster = Cluster()
    except Unavailable as exc:
        _unavailable(str(exc))
        return
    try:
        yield cluster
    finally:
        cluster.stop()


def _empty(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS records, reference, schema_version")


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """postgresql://… of an empty database for this test."""
    if postgres_cluster is None:
        url = os.environ["KIOSK_TEST_POSTGRES_URL"]
        _empty(url)
        return url
    return postgres_cluster.create_database()
