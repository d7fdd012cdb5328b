"""`kiosk hub`, `kiosk hub make-cert`, `kiosk call`, `kiosk queue`: the office queue without a
screen (scripts, call pads, tests).

The key sent to the hub comes from --key, else this station's own key (KIOSK_STATION_KEY, else
[hub] station_key), else the office key (KIOSK_OFFICE_KEY, else [hub] office_key); `kiosk hub
pair|stations|revoke` manage the stations' keys on the hub PC's database. Without --hub (and
unless the station is configured as a hub client) `call` and `queue` work directly on this
station's database. An https:// hub is trusted through --ca-file, else [hub] ca_file (its own
certificate, from `kiosk hub make-cert`).
"""

from __future__ import annotations

import json
import sys

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.config import Config
from kiosk.paths import Paths

EXIT_NOTHING = 3  # `kiosk call`: nobody waiting, or the counter serves nobody

ACTIONS = ("next", "recall", "skip", "finish", "transfer", "current")


def add_hub_options(parser) -> None:
    parser.add_argument("--hub", metavar="URL", help="the office hub, e.g. "
                        "http://192.168.1.10:8090 (default: [hub] url for a hub client, else "
                        "this station's own database)")
    parser.add_argument("--key", metavar="KEY", help="the key to send: the office key or a "
                        "station's own key (default: $KIOSK_STATION_KEY or [hub] station_key, "
                        "else $KIOSK_OFFICE_KEY or [hub] office_key)")
    parser.add_argument("--ca-file", metavar="PEM", help="for an https:// hub: its certificate "
                        "to trust (default: [hub] ca_file, else the system's CAs)")


def with_ca_file(config: Config, args) -> Config:
    """The configuration with --ca-file applied, for the windows that open their own queue."""
    if getattr(args, "ca_file", None):
        return config.with_values(hub={"ca_file": args.ca_file})
    return config


def register(sub) -> None:
    hub = sub.add_parser(
        "hub", help="serve this station's queue to the office LAN (counters, displays)",
        description="Serve the queue of this station's database over HTTP JSON + WebSocket. "
        "Prints 'hub listening on URL' once ready; stops on Ctrl+C / SIGTERM. Listens on "
        "127.0.0.1 (this PC only) unless --host or [hub] host says otherwise: use "
        "--host 0.0.0.0 (or this PC's LAN address) so the other stations can reach it.")
    hub.add_argument("--host", metavar="H", help="address to listen on (default: [hub] host, "
                     "127.0.0.1)")
    hub.add_argument("--port", type=int, metavar="P", help="TCP port (default: [hub] port, "
                     "8090; 0 picks a free one)")
    hub.add_argument("--key", metavar="KEY", help="office key (default: $KIOSK_OFFICE_KEY, "
                     "then [hub] office_key); at least 16 random characters. Other users of "
                     "this PC can see a command line: prefer the variable or the configuration")
    hub.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS/WSS with this certificate "
                     "(default: [hub] tls_cert; needs --tls-key)")
    hub.add_argument("--tls-key", metavar="PEM", help="private key of --tls-cert (default: "
                     "[hub] tls_key)")
    hub.set_defaults(handler=_hub)
    hubsub = hub.add_subparsers(dest="hub_command", required=False, metavar="[ACTION]")
    cert = hubsub.add_parser(
        "make-cert", help="make a self-signed certificate for the hub (installation)",
        description="Write DIR/hub.crt and DIR/hub.key: a self-signed certificate naming the "
        "hub PC's addresses and names (so the stations can check they reach this PC). On the "
        "hub: [hub] tls_cert and tls_key = those files. On every other station: copy hub.crt "
        "and set [hub] ca_file to it, and use an https:// [hub] url. hub.key never leaves the "
        "hub PC.")
    cert.add_argument("--out", required=True, metavar="DIR", help="folder to write to")
    cert.add_argument("--host", action="append", metavar="NAME|IP", help="an address or host "
                      "name the stations use for the hub (repeatable; default: this PC's name "
                      "and LAN addresses, localhost, 127.0.0.1)")
    cert.add_argument("--days", type=int, default=None, metavar="N",
                      help="valid for N days (default 3650)")
    cert.add_argument("--force", action="store_true", help="replace existing files (every "
                      "station must then get the new hub.crt)")
    cert.set_defaults(handler=_make_cert, needs_config=False)
    pair = hubsub.add_parser(
        "pair", help="issue a station's own key (on the hub PC)",
        description="Issue a credential for one station of the office, with its role, on this "
        "hub's database, and print it once: set it as [hub] station_key on that station (the "
        "set-up wizard does this by itself). Pairing a station again replaces its old key. "
        "display and rating: the board, the events and ratings; kiosk: "
        "tickets, print outcomes, dossier look-up, ratings; counter: calling, dossier links, "
        "dossiers and ratings; admin: everything.")
    pair.add_argument("--station", required=True, metavar="ID", help="the station's [station] "
                      "id, e.g. counter-2")
    pair.add_argument("--role", required=True, choices=("kiosk", "counter", "display", "rating",
                                                        "admin"))
    pair.add_argument("--json", action="store_true", help="print one JSON object")
    pair.set_defaults(handler=_pair)
    listing = hubsub.add_parser("stations", help="the paired stations (no keys)")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    listing.set_defaults(handler=_stations)
    revoke = hubsub.add_parser("revoke", help="revoke one station's key (the others keep "
                               "working)")
    revoke.add_argument("station", metavar="ID")
    revoke.set_defaults(handler=_revoke)

    call = sub.add_parser(
        "call", help="counter actions: call the next ticket, recall, skip, finish, transfer",
        description="Act at a counter. next: finish the current ticket (if any) and call the "
        "next one by the priority policy across --services; recall: announce the current "
        "ticket again; skip: no-show; finish: done; transfer: back to waiting for "
        "--to-service and/or --to-counter; current: show the ticket at the counter. "
        f"Prints the ticket (--json: one JSON object, or null). Exit status {EXIT_NOTHING} "
        "when there is no ticket (nobody waiting, or the counter serves nobody), 1 when the "
        "hub cannot be reached or refuses the key, 2 for a usage error.")
    call.add_argument("action", choices=ACTIONS)
    call.add_argument("--counter", type=int, required=True, metavar="N")
    call.add_argument("--services", metavar="CODES", help="comma-separated service codes this "
                      "counter serves (default: [counter] services; empty: every service)")
    call.add_argument("--clerk", metavar="NAME", help="clerk at the counter (recorded with "
                      "the call)")
    call.add_argument("--to-service", metavar="CODE", help="transfer: the service to queue in")
    call.add_argument("--to-counter", type=int, metavar="N", help="transfer: the counter that "
                      "calls it next")
    call.add_argument("--json", action="store_true", help="print one JSON object (or null)")
    add_hub_options(call)
    call.set_defaults(handler=_call)

    queue = sub.add_parser("queue", help="the queue now: waiting per service, serving now "
                           "per counter, the latest calls")
    queue.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(queue)
    queue.set_defaults(handler=_queue)


def open_cli_queue(args, config: Config, paths: Paths):
    """The queue for a one-shot command: the hub's (no counter outbox: a command reports
    failure rather than leaving work behind) or this station's database."""
    from kiosk.queue.settings import client_key, hub_settings

    settings = hub_settings(config, url=args.hub, key=args.key, ca_file=args.ca_file)
    if args.hub or settings.role == "client":
        from kiosk.queue.remote import RemoteQueue
        from kiosk.tls import ca_file_problem

        if not settings.url:
            raise ValueError("no hub URL: give --hub URL or set [hub] url")
        problem = settings.url.startswith("https://") and ca_file_problem(settings.ca_file)
        if problem:
            raise ValueError(problem.replace("[hub] ca_file", "--ca-file" if args.ca_file
                                             else "[hub] ca_file"))
        return RemoteQueue(settings.url, client_key(settings), timeout_s=settings.timeout_s,
                           tz=config.office.timezone, ca_file=settings.ca_file)
    from kiosk.queue.local import LocalQueue
    from kiosk.station import database_path

    return LocalQueue(database_path(config, paths), config, watch_s=None)


def _hub(args, config: Config, paths: Paths) -> int:
    from kiosk.backup import start_scheduled_backups

    backups = start_scheduled_backups(config, paths)  # as `kiosk run` does: [backup] folder
    archiver = start_hub_archiver(config, paths)  # and the monthly (yearly) archiving
    try:
        return run_hub(config, paths, key=args.key, host=args.host, port=args.port,
                       tls_cert=args.tls_cert, tls_key=args.tls_key)
    finally:
        if backups is not None:
            backups.stop()
        if archiver is not None:
            archiver.stop()


def start_hub_archiver(config: Config, paths: Paths):
    """The archiving of a PC running `kiosk hub` ([store] archive_keep_months, or
    archive_keep_years when that is 0), as `kiosk run` starts it: this process serves the
    office's queue and dossier book, so it archives as a LAN office's hub does (the dossier
    side stays live, docs/archive.md) whatever [hub] role says."""
    from kiosk.archive.schedule import keeps_dossiers, start_yearly_archive

    if not keeps_dossiers(config):
        config = config.with_values(hub={"role": "hub"})
    return start_yearly_archive(config, paths)


def _make_cert(args, config: Config, paths: Paths) -> int:
    from kiosk.tls import DEFAULT_DAYS, default_hosts, lan_address, make_self_signed

    hosts = args.host or default_hosts()
    days = DEFAULT_DAYS if args.days is None else args.days
    if not 1 <= days <= 36500:
        print("--days must be between 1 and 36500", file=sys.stderr)
        return EXIT_USAGE
    try:
        cert, key = make_self_signed(args.out, hosts, days=days, force=args.force)
    except ImportError:
        print("Making a certificate needs the 'cryptography' package (pip install "
              "cryptography).", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"Cannot write to {args.out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {cert} and {key}, valid {days} days, for: {', '.join(hosts)}")
    print("On the hub PC, in [hub]:")
    print(f"  tls_cert = {json.dumps(str(cert.resolve()))}")
    print(f"  tls_key = {json.dumps(str(key.resolve()))}")
    print(f"On every other station: copy {cert.name} there and set [hub] ca_file to it, and "
          f"[hub] url = \"https://{lan_address(hosts)}:PORT\" (or another of the names "
          "above).")
    return EXIT_OK


def _hub_db(config: Config, paths: Paths):
    from kiosk.station import database_path
    from kiosk.store import connect

    return connect(database_path(config, paths))


def _pair(args, config: Config, paths: Paths) -> int:
    from kiosk.hub.credentials import CredentialError, pair

    db = _hub_db(config, paths)
    try:
        token = pair(db, args.station, args.role)
    except CredentialError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.conn.close()
    if args.json:
        print(json.dumps({"station_id": args.station, "role": args.role, "token": token}))
    else:
        print(f"station {args.station} paired as {args.role}; on that station, in [hub]:")
        print(f"  station_key = {json.dumps(token)}")
    return EXIT_OK


def _stations(args, config: Config, paths: Paths) -> int:
    from kiosk.hub.credentials import stations

    db = _hub_db(config, paths)
    try:
        found = stations(db)
    finally:
        db.conn.close()
    if args.json:
        print(json.dumps({"stations": [c.as_json() for c in found]}, ensure_ascii=False))
        return EXIT_OK
    if not found:
        print("no station is paired yet (kiosk hub pair --station ID --role ROLE)")
    for c in found:
        state = f"revoked {c.revoked_at}" if c.revoked_at else "active"
        print(f"{c.station_id:<20} {c.role:<8} paired {c.created_at}  {state}")
    return EXIT_OK


def _revoke(args, config: Config, paths: Paths) -> int:
    from kiosk.hub.credentials import revoke

    db = _hub_db(config, paths)
    try:
        done = revoke(db, args.station)
    finally:
        db.conn.close()
    if not done:
        print(f"station {args.station} has no active key", file=sys.stderr)
        return EXIT_FAILED
    print(f"station {args.station} revoked: its key no longer opens the hub")
    return EXIT_OK


def run_hub(config: Config, paths: Paths, *, key: str | None = None, host: str | None = None,
            port: int | None = None, tls_cert: str | None = None,
            tls_key: str | None = None) -> int:
    """The headless office hub (`kiosk hub`, and `kiosk run` on a [station] role = "hub"
    PC), until interrupted."""
    from kiosk.hub.server import HubError, serve_hub
    from kiosk.queue.settings import hub_settings
    from kiosk.station import database_path

    settings = hub_settings(config, key=key, host=host, port=port, tls_cert=tls_cert,
                            tls_key=tls_key)

    def ready(url: str) -> None:
        print(f"hub listening on {url}", flush=True)

    try:
        serve_hub(database_path(config, paths), config, settings.office_key,
                  host=settings.host, port=settings.port, on_ready=ready,
                  tls_cert=settings.tls_cert, tls_key=settings.tls_key)
    except KeyboardInterrupt:  # Ctrl+C where the loop cannot catch signals (Windows)
        return EXIT_OK
    except HubError as exc:
        print(f"Cannot start the hub: {exc}", file=sys.stderr)
        return EXIT_USAGE if "key" in str(exc) or "[hub]" in str(exc) else EXIT_FAILED
    return EXIT_OK


def _call(args, config: Config, paths: Paths) -> int:
    from kiosk.queue.errors import HubUnavailable, QueueError, Unauthorized
    from kiosk.queue.settings import counter_settings
    from kiosk.ticketing import UnknownService

    services = None
    if args.services is not None:
        services = tuple(s.strip() for s in args.services.split(",") if s.strip())
    counter = counter_settings(config, number=args.counter, services=services, clerk=args.clerk)
    try:
        queue = open_cli_queue(args, config, paths)
    except (ValueError, QueueError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    try:
        n = counter.number
        if args.action == "next":
            ticket = queue.call_next(n, counter.services, counter.clerk or None)
        elif args.action == "recall":
            ticket = queue.recall(n)
        elif args.action == "skip":
            ticket = queue.skip(n)
        elif args.action == "finish":
            ticket = queue.finish(n)
        elif args.action == "current":
            ticket = queue.current(n)
        else:
            if args.to_service is None and args.to_counter is None:
                print("transfer needs --to-service CODE and/or --to-counter N", file=sys.stderr)
                return EXIT_USAGE
            ticket = queue.transfer(n, to_service=args.to_service, to_counter=args.to_counter)
    except (HubUnavailable, Unauthorized) as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    except (UnknownService, QueueError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    finally:
        queue.close()
    if args.json:
        print(json.dumps(ticket.as_json() if ticket else None, ensure_ascii=False))
    elif ticket is None:
        print("nobody waiting" if args.action == "next"
              else f"counter {args.counter} serves no ticket")
    else:
        where = f"counter {ticket.counter}" if ticket.counter else "-"
        print(f"{ticket.number}  {ticket.current_service}  {ticket.status}  {where}")
    return EXIT_OK if ticket is not None else EXIT_NOTHING


def _queue(args, config: Config, paths: Paths) -> int:
    from kiosk.queue.errors import HubUnavailable, QueueError, Unauthorized

    try:
        queue = open_cli_queue(args, config, paths)
    except (ValueError, QueueError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    try:
        snap = queue.snapshot()
    except (HubUnavailable, Unauthorized) as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    finally:
        queue.close()
    if args.json:
        print(json.dumps(snap.as_json(), ensure_ascii=False))
        return EXIT_OK
    print(f"Queue at {snap.at:%H:%M:%S %d/%m/%Y}")
    print("Waiting: " + (", ".join(f"{code} {n}" for code, n in snap.waiting.items() if n)
                         or "nobody"))
    if snap.serving:
        for s in snap.serving:
            clerk = f" ({s.ticket.clerk})" if s.ticket.clerk else ""
            print(f"  counter {s.counter:>3}: {s.ticket.number}  {s.ticket.current_service}"
                  f"{clerk}")
    else:
        print("Serving: no counter is serving")
    if snap.recent_calls:
        print("Latest calls: " + ", ".join(f"{c.number}→{c.counter}"
                                           for c in snap.recent_calls))
    return EXIT_OK
