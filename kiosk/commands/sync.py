"""`kiosk sync run|once|status|requeue`, `kiosk city-server`, `kiosk seed`."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    sy = sub.add_parser("sync", help="send this station's records to the city server")
    sysub = sy.add_subparsers(dest="sync_command", required=True, metavar="ACTION")
    run = sysub.add_parser("run", help="keep syncing in the foreground until stopped")
    once = sysub.add_parser("once", help="push now; exit 0 when the outbox is empty")
    status = sysub.add_parser("status", help="pending and set-aside records, last success "
                              "and last error")
    for p in (run, once, status):
        p.add_argument("--server", metavar="URL", help="city server URL (overrides [sync] "
                       "server_url)")
        p.add_argument("--token", metavar="T", help="this station's token (overrides "
                       "[sync] token)")
    for p in (run, once):
        p.add_argument("--ca-bundle", metavar="PEM", help="CA certificates to trust for the "
                       "city server (overrides [sync] ca_bundle)")
        p.add_argument("--batch-records", type=int, metavar="N",
                       help="at most N records per request (overrides [sync] "
                       "batch_max_records)")
    run.set_defaults(handler=_run)
    once.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                      help="show a progress bar (default: when the terminal is interactive)")
    once.add_argument("--json", action="store_true", help="print the final status as JSON")
    once.set_defaults(handler=_once)
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.add_argument("--limit", type=int, default=20, metavar="N",
                        help="list at most N set-aside records (default 20)")
    status.set_defaults(handler=_status)
    rq = sysub.add_parser("requeue", help="send set-aside records again (after the city "
                          "fixed what it refused)")
    rq.add_argument("record_ids", nargs="*", metavar="RECORD_ID")
    rq.add_argument("--all", action="store_true", help="every set-aside record")
    rq.set_defaults(handler=_requeue)
    cp = sysub.add_parser("compact", help="delete delivered records older than [sync] "
                          "keep_sent_days now and rebuild the database file, giving free "
                          "space back to the disk (on a database made before incremental "
                          "vacuum, once, turns it on); run with the station's screens closed")
    cp.add_argument("--json", action="store_true", help="print one JSON object")
    cp.set_defaults(handler=_compact)

    cs = sub.add_parser("city-server", help="run the reference city server (tests, staging, "
                        "cities without their own receiver)")
    cs.add_argument("--db", required=True, metavar="PATH|URL",
                    help="SQLite file, or postgresql://user:pass@host/dbname")
    cs.add_argument("--host", default="127.0.0.1", help="address to listen on "
                    "(default 127.0.0.1)")
    cs.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a "
                    "free one, printed on start)")
    cs.add_argument("--token", action="append", default=[], metavar="T",
                    help="a staging token that may push for any office and station "
                    "(repeatable; tests and staging only)")
    cs.add_argument("--token-file", metavar="PATH", help="station tokens, one per line: "
                    "'TOKEN OFFICE STATION' (the token pushes that office's station's "
                    "records only); '#' starts a comment")
    cs.add_argument("--admin-token", action="append", default=[], metavar="T",
                    help="a token that may also read records and counts (repeatable)")
    cs.add_argument("--revoked-token", action="append", default=[], metavar="T",
                    help="a revoked token: answered 403 token_revoked (repeatable)")
    cs.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate")
    cs.add_argument("--tls-key", metavar="PEM", help="private key of --tls-cert")
    cs.add_argument("--reference-dir", metavar="DIR", help="procedures.json, services.json, "
                    "holidays.json to serve as reference data")
    cs.add_argument("--max-body-bytes", type=int, metavar="N", help="request body limit")
    cs.add_argument("--max-batch-records", type=int, metavar="N",
                    help="records per push limit")
    cs.add_argument("--max-connections-per-address", type=int, metavar="N",
                    help="connections one client address may hold (default 256); raise it "
                    "behind a load balancer or proxy, whose address every connection has")
    cs.add_argument("--workers", type=int, default=1, metavar="N",
                    help="receiver processes sharing the port (default 1; more need "
                    "PostgreSQL and Linux; elsewhere run one server per port behind an HTTP "
                    "load balancer)")
    cs.set_defaults(handler=_city_server, needs_config=False)

    sd = sub.add_parser("seed", help="create realistic demo records through the same code "
                        "as the screens")
    sd.add_argument("--tickets", type=int, default=0, metavar="N",
                    help="tickets, issued, printed and most of them called and finished")
    sd.add_argument("--dossiers", type=int, default=0, metavar="N")
    sd.add_argument("--feedback", type=int, default=0, metavar="N",
                    help="citizen feedback (phản ánh, kiến nghị)")
    sd.add_argument("--ratings", type=int, default=0, metavar="N",
                    help="satisfaction ratings, of finished tickets first")
    sd.add_argument("--seed", type=int, default=None, metavar="S",
                    help="random seed (repeatable demo data)")
    sd.set_defaults(handler=_seed)


def _settings(args, config: Config):
    from sync.worker import SyncSettings

    return SyncSettings.from_config(
        config, server_url=args.server, token=args.token,
        ca_bundle=getattr(args, "ca_bundle", None),
        batch_max_records=getattr(args, "batch_records", None))


def _worker(args, config: Config, paths: Paths, on_change=None):
    from kiosk.station import database_path
    from sync.worker import SyncWorker, feed_hub_of

    settings = _settings(args, config)
    if not settings.server_url:
        print("Sync is off: no city server configured ([sync] server_url, or --server URL).",
              file=sys.stderr)
        return None
    problem = settings.problem()
    if problem:
        print(problem, file=sys.stderr)
        return None
    return SyncWorker(database_path(config, paths), settings, office=config.office.code,
                      station=config.station.id, on_change=on_change,
                      feed_hub=feed_hub_of(config))


def _run(args, config: Config, paths: Paths) -> int:
    import signal

    worker = _worker(args, config, paths)
    if worker is None:
        return EXIT_USAGE

    def stop(signum, frame):
        worker.stop(timeout=0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Syncing to {worker.settings.server_url} (Ctrl+C stops).", file=sys.stderr,
          flush=True)
    final = worker.run()
    if final.state == "stopped":
        print(f"Sync stopped: {final.last_error}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


class _Bar:
    """A one-line progress bar on stderr, redrawn at most 10 times a second."""

    def __init__(self) -> None:
        self.last = 0.0
        self.shown = False

    def __call__(self, status) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and status.pending:
            return
        self.last = now
        frac = status.progress
        if frac is None and status.pending == 0 and not self.shown:
            return
        if frac is None:
            frac = 0.0 if status.pending else 1.0
        width = 30
        filled = int(frac * width)
        line = (f"\r[{'#' * filled}{'-' * (width - filled)}] {status.done:,}/"
                f"{max(status.backlog, status.done):,} records"
                f"  {status.records_per_s:,.0f}/s  {status.pending:,} waiting ")
        sys.stderr.write(line)
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _once(args, config: Config, paths: Paths) -> int:
    show = sys.stderr.isatty() if args.progress is None else args.progress
    bar = _Bar() if show else None
    worker = _worker(args, config, paths, on_change=bar)
    if worker is None:
        return EXIT_USAGE
    started = time.monotonic()
    try:
        final = worker.drain()
    finally:
        elapsed = time.monotonic() - started
        worker.close()
        if bar:
            bar.close()
    if args.json:
        out = _status_json(final)
        w = worker.wire
        out["run"] = {"records_sent": w.records_sent, "requests": w.requests,
                      "bytes_up": w.bytes_up, "bytes_down": w.bytes_down,
                      "elapsed_s": round(elapsed, 3)}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(f"{final.headline('en')}: {worker.wire.records_sent} sent, {final.pending} "
              f"waiting, {final.set_aside} set aside.")
        if final.pending and final.last_error:
            print(f"Last error: {final.last_error}", file=sys.stderr)
        if final.set_aside:
            print("Records set aside: see `kiosk sync status`.", file=sys.stderr)
    return EXIT_OK if final.pending == 0 and final.set_aside == 0 else EXIT_FAILED


def _status_json(status, aside=()) -> dict:
    out = {
        "state": status.state,
        "headline": status.headline("en"),
        "headline_vi": status.headline("vi"),
        "server_url": status.server_url,
        "pending": status.pending,
        "set_aside": status.set_aside,
        "last_success": status.last_success_at.isoformat() if status.last_success_at else None,
        "last_error": ({"at": status.last_error_at.isoformat() if status.last_error_at
                        else None, "message": status.last_error}
                       if status.last_error else None),
        "offline_since": status.offline_since.isoformat() if status.offline_since else None,
        "needs_technician": status.needs_technician,
    }
    if aside:
        out["set_aside_records"] = [a.as_json() for a in aside]
    return out


def _status(args, config: Config, paths: Paths) -> int:
    from kiosk.station import open_database
    from sync.status import read_status, set_aside_records

    settings = _settings(args, config)
    db = open_database(config, paths)
    status = read_status(db, settings.server_url)
    aside = set_aside_records(db, args.limit) if status.set_aside else []
    if args.json:
        data = _status_json(status)
        data["set_aside_records"] = [a.as_json() for a in aside]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    fmt = "%Y-%m-%d %H:%M:%S %z"
    print(f"Server:        {settings.server_url or '(none: sync off)'}")
    if settings.server_url:
        from sync.transport import route

        print(f"Route:         {route(settings.server_url, settings.proxy).describe()}")
    print(f"State:         {status.headline('en')}  /  {status.headline('vi')}")
    print(f"Pending:       {status.pending}")
    print(f"Set aside:     {status.set_aside}")
    print("Last success:  " + (status.last_success_at.strftime(fmt)
                               if status.last_success_at else "never"))
    if status.last_error:
        when = status.last_error_at.strftime(fmt) if status.last_error_at else "?"
        print(f"Last error:    {when}: {status.last_error}")
    else:
        print("Last error:    none")
    if status.offline_since:
        print(f"Offline since: {status.offline_since.strftime(fmt)}")
    if aside:
        print("Set-aside records (the city refused them; fix, then `kiosk sync requeue`):")
        for a in aside:
            print(f"  {a.record_id}  {a.record_type:<14} {a.created_at}  {a.reason}")
        if status.set_aside > len(aside):
            print(f"  … and {status.set_aside - len(aside)} more (--limit N)")
    return EXIT_OK


def _requeue(args, config: Config, paths: Paths) -> int:
    from kiosk.station import open_database
    from sync.status import requeue

    if not args.all and not args.record_ids:
        print("Name the record ids to send again, or --all.", file=sys.stderr)
        return EXIT_USAGE
    n = requeue(open_database(config, paths), None if args.all else args.record_ids)
    print(f"{n} record(s) queued again.")
    return EXIT_OK


def _compact(args, config: Config, paths: Paths) -> int:
    from datetime import UTC, datetime

    from kiosk.station import open_database
    from sync.prune import compact, prune_delivered
    from sync.worker import feed_hub_of

    db = open_database(config, paths)
    try:
        result = prune_delivered(db, now=datetime.now(UTC),
                                 keep_days=config.sync.keep_sent_days,
                                 feed_hub=feed_hub_of(config), vacuum=False)
        page = db.execute("PRAGMA page_size").fetchone()[0]
        before, after = compact(db)
    finally:
        db.conn.close()
    out = {"deleted": result.deleted, "tombstones": result.slimmed,
           "counter_ops": result.counter_ops, "bytes_before": before * page,
           "bytes_after": after * page}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"{result.deleted} delivered record(s) deleted, and {result.slimmed} dossier "
              f"record(s) with their delivery marked on the dossier's history; database "
              f"{before * page / 1e6:.1f} MB -> {after * page / 1e6:.1f} MB.")
    return EXIT_OK


def _city_server(args, config: Config, paths: Paths) -> int:
    from sync.server.app import ServerSettings, serve, ssl_context, workers_problem

    problem = workers_problem(args.db, args.workers)
    if problem:
        print(f"city-server: {problem}", file=sys.stderr)
        return EXIT_USAGE

    tokens = list(args.token)
    bound: dict[str, tuple[str, str]] = {}
    if args.token_file:
        try:
            bound = read_token_file(Path(args.token_file))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"Cannot use the token file {args.token_file}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    problem = token_problem(tokens, bound, args.admin_token)
    if problem:
        print(f"city-server: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if tokens:
        print("city-server: --token accepts records for any office and station: use it for "
              "tests and staging only; give stations bound tokens with --token-file.",
              file=sys.stderr)
    if not tokens and not bound and not args.admin_token:
        print("Give at least one --token (or --token-file / --admin-token): the server "
              "accepts nothing without one.", file=sys.stderr)
        return EXIT_USAGE
    limits = {k: v for k, v in (("max_body_bytes", args.max_body_bytes),
                                ("max_batch_records", args.max_batch_records),
                                ("max_connections_per_address",
                                 args.max_connections_per_address))
              if v is not None}
    settings = ServerSettings(tokens=tokens, station_tokens=bound, admin_tokens=args.admin_token,
                              revoked_tokens=args.revoked_token, **limits)
    try:
        tls = ssl_context(args.tls_cert, args.tls_key)
    except (OSError, ValueError) as exc:
        print(f"Cannot load the TLS certificate: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def ready(url: str) -> None:
        print(f"city-server listening on {url}", flush=True)

    try:
        serve(args.db, settings, host=args.host, port=args.port, tls=tls,
              reference_dir=Path(args.reference_dir) if args.reference_dir else None,
              on_ready=ready, workers=args.workers)
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"city-server: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.Error as exc:
        # Named here: kiosk.cli's handler would name this data folder's kiosk.db instead.
        line = _city_db_fault(exc, args.db)
        if line is None or getattr(args, "debug", False):
            raise
        print(f"city-server: {line} (`kiosk --debug ...` shows the details)", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _city_db_fault(exc: BaseException, db: str) -> str | None:
    """One plain line for a storage fault of the city database `db`, or None."""
    from kiosk.store.faults import DAMAGED, storage_fault

    fault = storage_fault(exc, Path(db))
    if fault is None:
        return None
    if fault.kind != DAMAGED:
        return fault.line()
    return (f"error: {fault.message}. Fix: stop the city server, move {db} aside (keep it: "
            "`sqlite3 FILE .recover` can save its records) and start again with --db naming "
            "a new file, or restore it from a backup. Check the disk (chkdsk / fsck).")


MIN_TOKEN_CHARS = 16  # kiosk.config.MIN_KEY_LENGTH: the hub's key rule (key_weakness)
MAKE_TOKEN = "make one with: python3 -c \"import secrets; print(secrets.token_urlsafe(24))\""


def token_problem(staging: list[str], bound: dict[str, tuple[str, str]],
                  admin: list[str]) -> str | None:
    """Why these tokens cannot be served, or None: a --token or --admin-token that is easy to
    guess (the hub's key rule), or one token given two roles (a station token also given as
    --admin-token would read everything and push for any office). A revoked token may repeat
    another: revoked wins. Never names a token."""
    from kiosk.config import key_weakness

    for flag, values in (("--token", staging), ("--admin-token", admin)):
        for number, token in enumerate(values, 1):
            weak = key_weakness(token) or ("" if token else "must not be empty")
            if weak:
                return f"{flag} number {number} {weak}; {MAKE_TOKEN}"
    roles = (("--token", set(staging)), ("--token-file", set(bound)),
             ("--admin-token", set(admin)))
    for i, (first, a) in enumerate(roles):
        for second, b in roles[i + 1:]:
            if a & b:
                return (f"a token is given both with {first} and with {second}: give each "
                        "token one role (a station's token must not also be an admin token)")
    return None


def read_token_file(path: Path) -> dict[str, tuple[str, str]]:
    """token → (office, station) from lines 'TOKEN OFFICE STATION'; ValueError naming the
    line (never the token) for anything else."""
    from kiosk.config import key_weakness

    bound: dict[str, tuple[str, str]] = {}
    # utf-8-sig: a BOM (Notepad's "UTF-8") is not part of the first token
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) != 3:
            raise ValueError(f"line {number}: write 'TOKEN OFFICE STATION' (a token is bound "
                             "to one office and one station)")
        token, office, station = parts
        if len(token) < MIN_TOKEN_CHARS:
            raise ValueError(f"line {number}: the token is shorter than {MIN_TOKEN_CHARS} "
                             f"characters; {MAKE_TOKEN}")
        weak = key_weakness(token)
        if weak:
            raise ValueError(f"line {number}: the token {weak}; {MAKE_TOKEN}")
        if token in bound:
            raise ValueError(f"line {number}: this token is already given to another station")
        bound[token] = (office, station)
    return bound


def _seed(args, config: Config, paths: Paths) -> int:
    import random

    from kiosk.station import open_database
    from sync.seed import SEEDERS, SeedNotAvailable

    wanted = {"tickets": args.tickets, "dossiers": args.dossiers,
              "feedback": args.feedback, "ratings": args.ratings}
    if any(n < 0 for n in wanted.values()) or not any(wanted.values()):
        print("Say how many: --tickets N, --dossiers N, --feedback N and/or --ratings N.",
              file=sys.stderr)
        return EXIT_USAGE
    rng = random.Random(args.seed)
    db = open_database(config, paths)
    code = EXIT_OK
    for kind, count in wanted.items():
        if not count:
            continue
        try:
            made = SEEDERS[kind](db, config, count, rng=rng)
        except SeedNotAvailable as exc:
            print(f"{kind}: {exc}", file=sys.stderr)
            code = EXIT_FAILED
            continue
        print(f"{kind}: {count} created ({made} outbox records).")
    return code
