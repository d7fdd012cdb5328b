"""The hub's wire protocol, shared by the server (kiosk.hub.app) and the client
(kiosk.queue.remote). Version 1.

HTTP JSON under /api/v1, every endpoint but /health needing a key in
`Authorization: Bearer KEY` or `X-Office-Key: KEY`: a station's own credential (issued by
`POST /api/v1/pair`, or `kiosk hub pair` on the hub PC), whose role decides what it may do
(PERMISSIONS below), or the office key, which acts as role "admin" (pairing, technicians'
commands) but cannot forward office records (they must be bound to a paired station):

    GET  /api/v1/health                          {"status": "ok", "protocol": 1}   (no key)
    GET  /api/v1/services                        {"services": [service, ...]}
    POST /api/v1/tickets                         {"service", "priority"?, "op_id"?}
    GET  /api/v1/tickets/{id}
    POST /api/v1/tickets/{id}/print              {"ok", "detail"?, "at"?, "op_id"?}
    POST /api/v1/tickets/{id}/dossiers           {"dossier_code", "counter"?, "at"?, "op_id"?}
    GET  /api/v1/counters/{n}                    the ticket at counter n, or null
    POST /api/v1/counters/{n}/next               {"services"?: [code], "clerk"?, "op_id"?}
    POST /api/v1/counters/{n}/recall             {"op_id"?}
    POST /api/v1/counters/{n}/skip               {"op_id"?}
    POST /api/v1/counters/{n}/transfer           {"to_service"?, "to_counter"?, "op_id"?}
    POST /api/v1/counters/{n}/finish             {"ticket_id"?, "at"?, "op_id"?}
    GET  /api/v1/snapshot                        QueueSnapshot.as_json()
    GET  /api/v1/petitions/{code}                {"petition": PublicPetitionView.as_json() or
                                                 null}: a petition's public view (status,
                                                 dates, the office's answer), for a kiosk
    POST /api/v1/office/records                  {"records": [{"id", "type", "data"}]}
                                                 -> {"applied", "unchanged", "rejected"}
    GET  /api/v1/dossiers/{code}                 {"dossier": PublicDossierView.as_json() or
                                                 null}; a counter key or the office key:
                                                 {"dossier": Dossier.as_json() with the
                                                 public view's fields and its "slips" and
                                                 "handovers", "version": n} from
                                                 the office dossier book (a code only an
                                                 older counter forwarded: its public view,
                                                 "version": null)
    GET  /api/v1/dossiers?due_within=N[&overdue=1]
                                                 -> DueList.as_json() (kiosk/dossiers/
                                                 duelist.py): the office book's open dossiers
                                                 overdue or due within N (0-30) working days;
                                                 overdue=1: overdue only (counter key or office
                                                 key; no personal data)
    POST /api/v1/dossiers/changes                {"changes": [change, ...]} -> {"results":
                                                 [{"id", "result", "reason", "reason_vi",
                                                 "version", "dossier"}]} (counter key or
                                                 office key; kiosk/dossiers/book.py)
    POST /api/v1/dossier-numbers                 {"unit", "day", "count", "held"?: {day: n}}
                                                 -> {"unit", "day", "first", "last", "epoch"}
                                                 (a counter: a block of dossier numbers)
    GET  /api/v1/events?since=SEQ                WebSocket (key checked at the handshake)
    POST /api/v1/pair                            {"station_id", "role"} -> {"station_id",
                                                 "role", "token"} (office key only; pairing a
                                                 station again replaces its token)
    GET  /api/v1/stations                        {"stations": [{"station_id", "role",
                                                 "created_at", "revoked_at"}]} (no tokens)
    POST /api/v1/stations/{station_id}/revoke    {"station_id", "revoked": bool}
    PUT  /api/v1/backups/{station_id}            body: the station's backup file (SQLite or
                                                 gzip, Content-Length required, up to [backup]
                                                 hub_max_mb) -> {"station_id", "stored",
                                                 "size_bytes", "kept"} (a kiosk or counter
                                                 credential, for its own station id only)

Dossier numbers (kiosk/dossiers/numbers.py, docs/hub.md): `count` (1-200) consecutive
numbers of `day` (yesterday to a month ahead, the office's own `unit`) from the hub's day
counter, the one its own dossier desk numbers from, committed before the answer; first the
counter of each day in `held` (the highest number the asking PC holds per day, at most 31
days) is raised to it. Never a number in the counters' fallback window, nor past 999999 (409
day_full). `epoch` changes when the hub's database is restored from a backup.

Ticket operations answer {"ticket": Ticket.as_json() or null}. Errors answer
{"error": code, "message": English, "message_vi": Vietnamese} with 400 (invalid_request,
unknown_service, invalid_body), 401 (unauthorized), 403 (forbidden: the credential's role
may not do this), 404 (ticket_not_found, not_found), 408 (body_timeout), 409
(no_current_ticket, day_full), 411 (length_required), 413 (body_too_large), 429 (too_many_attempts,
with Retry-After: too many wrong keys from this address in the last minute; even a right key
waits until it ends), 500.

Office records are bound to the credential that sends them: a record whose data names
another station, a dossier code another station sent first, a version that is not exactly the
stored one + 1 (the same version with the same content is "unchanged"), a first version other
than 1, a code of another unit or dated after tomorrow, or a record type the role may not send
(RECORD_TYPES_BY_ROLE) is rejected alone.

Dossier changes (kiosk/dossiers/book.py has the shapes) are applied to the hub's own
dossier tables, the office dossier book, in order and each in its own transaction; each gets
its result alone: "applied", "unchanged" (its id is already in the book: a re-send),
"conflict" (the book's version is not the change's base_version; the answer carries the
book's dossier and version) or "rejected" (with the reason). An applied change's city payload
joins the hub's city outbox under the change's id. A change from a paired counter must name
that counter as its station. Neither a dossier change nor an office record is published on
the WebSocket (queue events only).

`op_id` (a UUID chosen by the client) makes an operation idempotent: the hub applies each id
once and answers a repeat with the first result's ticket. `at` (ISO 8601 with offset) is
accepted only on operations a counter may record offline and replay later.

WebSocket messages from the hub (JSON text): first {"type": "hello", "protocol": 1,
"seq": last event seq, "replayed": n, "gap": bool}, then the `replayed` buffered events with
seq > since, then live ones: {"type": "event", "event": QueueEvent.as_json()}. "gap": true
means events after `since` are no longer available (hub restarted, or the client was away
long): take a new snapshot.
"""

from __future__ import annotations

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"
HEALTH_PATH = f"{API_PREFIX}/health"
SERVICES_PATH = f"{API_PREFIX}/services"
TICKETS_PATH = f"{API_PREFIX}/tickets"
COUNTERS_PATH = f"{API_PREFIX}/counters"
SNAPSHOT_PATH = f"{API_PREFIX}/snapshot"
EVENTS_PATH = f"{API_PREFIX}/events"
OFFICE_RECORDS_PATH = f"{API_PREFIX}/office/records"
DOSSIERS_PATH = f"{API_PREFIX}/dossiers"
DOSSIER_CHANGES_PATH = f"{DOSSIERS_PATH}/changes"
DOSSIER_NUMBERS_PATH = f"{API_PREFIX}/dossier-numbers"
PETITIONS_PATH = f"{API_PREFIX}/petitions"
PAIR_PATH = f"{API_PREFIX}/pair"
STATIONS_PATH = f"{API_PREFIX}/stations"
BACKUPS_PATH = f"{API_PREFIX}/backups"
KEY_HEADER = "X-Office-Key"

# Roles of station credentials; the office key is "admin".
ROLES = ("kiosk", "counter", "display", "rating", "admin")
_DISPLAY = frozenset({"display", "rating", "kiosk", "counter", "admin"})
_KIOSK = frozenset({"kiosk", "counter", "admin"})
_COUNTER = frozenset({"counter", "admin"})
# Bound to a station: never the office key. A display or rating screen posts ratings only.
_FEED = frozenset({"display", "rating", "kiosk", "counter"})
_ADMIN = frozenset({"admin"})
# A station's own database backup: the stations that hold records (bound to the station).
_BACKUP = frozenset({"kiosk", "counter"})
# (method, route) -> the roles allowed; a route missing here is refused to everyone.
PERMISSIONS: dict[tuple[str, str], frozenset[str]] = {
    ("GET", SERVICES_PATH): _DISPLAY,
    ("GET", SNAPSHOT_PATH): _DISPLAY,
    ("GET", EVENTS_PATH): _DISPLAY,
    ("GET", COUNTERS_PATH + "/{counter}"): _DISPLAY,
    ("POST", TICKETS_PATH): _KIOSK,
    ("GET", TICKETS_PATH + "/{ticket_id}"): _KIOSK,
    ("POST", TICKETS_PATH + "/{ticket_id}/print"): _KIOSK,
    ("GET", DOSSIERS_PATH + "/{code}"): _KIOSK,
    ("GET", DOSSIERS_PATH): _COUNTER,
    ("GET", PETITIONS_PATH + "/{code}"): _KIOSK,
    ("POST", DOSSIER_CHANGES_PATH): _COUNTER,
    ("POST", TICKETS_PATH + "/{ticket_id}/dossiers"): _COUNTER,
    **{("POST", COUNTERS_PATH + "/{counter}/" + action): _COUNTER
       for action in ("next", "recall", "skip", "transfer", "finish")},
    ("POST", OFFICE_RECORDS_PATH): _FEED,
    ("POST", DOSSIER_NUMBERS_PATH): _COUNTER,
    ("POST", PAIR_PATH): _ADMIN,
    ("GET", STATIONS_PATH): _ADMIN,
    ("POST", STATIONS_PATH + "/{station_id}/revoke"): _ADMIN,
    ("PUT", BACKUPS_PATH + "/{station_id}"): _BACKUP,
}
# Who reads the whole record of the office dossier book (personal data included): the
# counters and the office key; the other roles get the public view only.
DOSSIER_BOOK_ROLES = _COUNTER
# What each role may forward to POST /office/records.
RECORD_TYPES_BY_ROLE: dict[str, frozenset[str]] = {
    "display": frozenset({"rating"}),
    "rating": frozenset({"rating"}),
    "kiosk": frozenset({"rating", "petition"}),
    "counter": frozenset({"dossier", "rating", "petition"}),
}

MAX_BODY_BYTES = 64 * 1024
MAX_WS_MESSAGE_BYTES = 64 * 1024
HEARTBEAT_S = 5.0
