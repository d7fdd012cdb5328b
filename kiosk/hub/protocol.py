"""The hub's wire protocol, shared by the server (kiosk.hub.app) and the client
(kiosk.queue.remote). Version 1.

HTTP JSON under /api/v1, every endpoint but /health needing the office key in
`Authorization: Bearer KEY` or `X-Office-Key: KEY`:

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
    POST /api/v1/office/records                  {"records": [{"id", "type", "data"}]}
                                                 -> {"applied", "unchanged", "rejected"}
    GET  /api/v1/dossiers/{code}                 {"dossier": PublicDossierView.as_json() or
                                                 null}
    GET  /api/v1/events?since=SEQ                WebSocket (key checked at the handshake)

Ticket operations answer {"ticket": Ticket.as_json() or null}. Errors answer
{"error": code, "message": English, "message_vi": Vietnamese} with 400 (invalid_request,
unknown_service, invalid_body), 401 (unauthorized), 404 (ticket_not_found, not_found),
409 (no_current_ticket), 413 (body_too_large), 500.

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
KEY_HEADER = "X-Office-Key"

MAX_BODY_BYTES = 64 * 1024
MAX_WS_MESSAGE_BYTES = 64 * 1024
HEARTBEAT_S = 5.0
