"""Petitions as cases: code, handling deadline, assignee, answer, status.

A "Phản ánh, kiến nghị" typed at the kiosk (or by a clerk for a citizen) is stored twice in one
transaction: the citizen_feedback row the city already receives (record type "feedback") and a
case here (record type "petition", the whole case again with each change).

Codes: `{prefix}-{yy}{NNNN}`, e.g. PA-260042: short enough to type on the kiosk's keyboard.
The prefix is [petitions] code_prefix, or "PA" on a standalone PC and on the hub, "P" and the
[counter] number on a counter PC of a LAN office (counter numbers are unique in an office, so
codes are unique across its PCs without asking the hub). The number runs per prefix and year.

Deadline: the [petitions] handling_days-th working day after the day the petition counts as
received, with the project's calendar (kiosk.calendar, holidays and Tết included), the same
rule as dossier appointments. Late: not answered by the end of that day; how late is counted
in working days (`working_days_late`).

Logs name codes, statuses and lengths: never the text, the answer, the phone or names.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from kiosk.calendar import CalendarRules, appointment_date, working_days_between
from kiosk.feedback.citizen_feedback import (
    RECORD_TYPE as FEEDBACK_RECORD_TYPE,
)
from kiosk.feedback.citizen_feedback import (
    TOPIC_MAX_CHARS,
    CitizenFeedback,
    check_text,
    clean_text,
    normalize_phone,
)
from kiosk.feedback.errors import FeedbackError
from kiosk.store import append_outbox, transaction

log = logging.getLogger(__name__)

RECORD_TYPE = "petition"
STATUSES = ("open", "assigned", "answered", "closed")
STATUS_VI = {"open": "Mới tiếp nhận", "assigned": "Đang xử lý", "answered": "Đã trả lời",
             "closed": "Đã đóng"}
CHANNELS = ("kiosk", "counter")
ANSWER_MAX_CHARS = 2000
NAME_MAX_CHARS = 80
DEFAULT_PREFIX = "PA"


class PetitionError(FeedbackError):
    """Input or a change the petition desk refuses (message_vi for the screen or the CLI)."""


class PetitionNotFound(PetitionError):
    def __init__(self, code: str) -> None:
        super().__init__("Không tìm thấy phản ánh, kiến nghị với mã này.",
                         "no petition with this code", reason="not_found")
        self.code = code


@dataclass(frozen=True)
class Petition:
    uid: str
    code: str
    topic: str
    text: str
    phone: str | None
    channel: str
    received_at: datetime
    due_date: date
    status: str
    assignee: str = ""
    answer: str = ""
    answered_by: str = ""
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    station_id: str = ""
    feedback_uid: str | None = None

    def answered_on(self, tz) -> date | None:
        return self.answered_at.astimezone(tz).date() if self.answered_at else None

    def as_json(self, tz=None) -> dict[str, Any]:
        """The whole case: the city's "petition" payload and `kiosk petition ... --json`."""
        return {
            "uid": self.uid, "code": self.code, "topic": self.topic, "text": self.text,
            "phone": self.phone, "channel": self.channel,
            "received_at": self.received_at.isoformat(), "due_date": self.due_date.isoformat(),
            "status": self.status, "assignee": self.assignee, "answer": self.answer,
            "answered_by": self.answered_by,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "updated_at": (self.updated_at or self.received_at).isoformat(),
            "station": self.station_id, "feedback_uid": self.feedback_uid,
        }


@dataclass(frozen=True)
class PublicPetitionView:
    """What the kiosk shows a citizen who typed a code: no text, no phone, no clerk's name."""

    code: str
    topic: str
    status: str
    received_on: date
    due_date: date
    answer: str
    answered_on: date | None
    late: bool

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "topic": self.topic, "status": self.status,
                "received_on": self.received_on.isoformat(),
                "due_date": self.due_date.isoformat(), "answer": self.answer,
                "answered_on": self.answered_on.isoformat() if self.answered_on else None,
                "late": self.late}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublicPetitionView:
        """From the hub's answer; ValueError (or KeyError, TypeError) when malformed."""
        status = str(data["status"])
        if status not in STATUSES:
            raise ValueError("unknown petition status")
        answered = data.get("answered_on")
        return cls(code=str(data["code"]), topic=str(data["topic"])[:200], status=status,
                   received_on=date.fromisoformat(str(data["received_on"])),
                   due_date=date.fromisoformat(str(data["due_date"])),
                   answer=str(data.get("answer") or "")[:ANSWER_MAX_CHARS],
                   answered_on=date.fromisoformat(str(answered)) if answered else None,
                   late=bool(data.get("late")))


# -- lateness ----------------------------------------------------------------------------------

def working_days_late(petition: Petition, rules: CalendarRules, today: date) -> int:
    """Working days past the deadline: until the answer, or until `today` while unanswered;
    0 when on time."""
    end = petition.answered_on(ZoneInfo(rules.timezone)) if petition.answered_at else today
    return max(0, working_days_between(petition.due_date, end, rules))


def is_late(petition: Petition, rules: CalendarRules, today: date) -> bool:
    return working_days_late(petition, rules, today) > 0


def handling_due(received_at: datetime, days: int, rules: CalendarRules) -> date:
    return appointment_date(received_at, days, rules)


# -- codes -------------------------------------------------------------------------------------

def code_prefix(config: Any) -> str:
    """[petitions] code_prefix, or PA (standalone, hub) / P{counter} (a LAN counter PC)."""
    configured = config.petitions.code_prefix.upper()
    if configured:
        return configured
    if config.hub.role == "client":
        return f"P{config.counter.number}"
    return DEFAULT_PREFIX


def normalize_code(text: str) -> str:
    """A typed or scanned code, upper-cased, spaces dropped (PA 260042 → PA-260042)."""
    code = "".join((text or "").split()).upper()
    if "-" not in code and len(code) > 6 and code[-6:].isdigit():
        code = f"{code[:-6]}-{code[-6:]}"
    return code


def looks_like_petition_code(text: str) -> bool:
    code = normalize_code(text)
    prefix, dash, number = code.partition("-")
    return bool(dash and prefix[:1] == "P" and prefix.isalnum() and len(prefix) <= 4
                and len(number) == 6 and number.isdigit())


def _next_code(conn: sqlite3.Connection, prefix: str, year: int) -> str:
    row = conn.execute("SELECT last FROM petition_counters WHERE prefix = ? AND year = ?",
                       (prefix, year)).fetchone()
    last = (row[0] if row else 0) + 1
    if last > 9999:
        raise PetitionError("Đã hết số mã phản ánh của năm nay.",
                            "petition numbers of this year are used up", reason="numbers")
    conn.execute("INSERT INTO petition_counters (prefix, year, last) VALUES (?, ?, ?) "
                 "ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
                 (prefix, year, last))
    return f"{prefix}-{year % 100:02d}{last:04d}"


# -- storing -----------------------------------------------------------------------------------

_COLUMNS = ("uid", "code", "feedback_uid", "topic", "text", "phone", "channel", "received_at",
            "due_date", "status", "assignee", "answer", "answered_by", "answered_at",
            "closed_at", "updated_at", "station_id")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _from_row(row: sqlite3.Row | tuple) -> Petition:
    values = dict(zip(_COLUMNS, row, strict=True))
    return Petition(
        uid=values["uid"], code=values["code"], topic=values["topic"], text=values["text"],
        phone=values["phone"], channel=values["channel"],
        received_at=datetime.fromisoformat(values["received_at"]),
        due_date=date.fromisoformat(values["due_date"]), status=values["status"],
        assignee=values["assignee"], answer=values["answer"],
        answered_by=values["answered_by"], answered_at=_dt(values["answered_at"]),
        closed_at=_dt(values["closed_at"]), updated_at=_dt(values["updated_at"]),
        station_id=values["station_id"], feedback_uid=values["feedback_uid"])


def _write(conn: sqlite3.Connection, petition: Petition, *, insert: bool) -> None:
    row = petition.as_json()
    values = (petition.uid, petition.code, petition.feedback_uid, petition.topic,
              petition.text, petition.phone, petition.channel, row["received_at"],
              row["due_date"], petition.status, petition.assignee, petition.answer,
              petition.answered_by, row["answered_at"], row["closed_at"], row["updated_at"],
              petition.station_id)
    if insert:
        conn.execute(f"INSERT INTO petitions ({', '.join(_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(_COLUMNS))})", values)
    else:
        sets = ", ".join(f"{c} = ?" for c in _COLUMNS[1:])
        conn.execute(f"UPDATE petitions SET {sets} WHERE uid = ?", (*values[1:], petition.uid))
    append_outbox(conn, RECORD_TYPE, row, petition.updated_at or petition.received_at)


def _clean_name(name: str, what: str) -> str:
    name = " ".join(clean_text(name).split())
    if not name:
        raise PetitionError(f"Vui lòng nhập {what}.", f"{what} is empty", reason="name")
    if len(name) > NAME_MAX_CHARS:
        raise PetitionError(f"Tên quá dài: tối đa {NAME_MAX_CHARS} ký tự.",
                            f"name longer than {NAME_MAX_CHARS} characters", reason="name")
    return name


def take_petition(db: Database, config: Any, *, topic: str, text: str, phone: str | None,
                  at: datetime, channel: str = "kiosk", rules: CalendarRules | None = None
                  ) -> tuple[CitizenFeedback, Petition]:
    """Validate and store a citizen's petition: the feedback row (record "feedback") and the
    case (record "petition"), with their outbox rows, in one transaction."""
    if at.tzinfo is None:
        raise ValueError("petition times must be timezone-aware")
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}")
    topic = " ".join(clean_text(topic).split())
    if not topic:
        raise PetitionError("Vui lòng chọn nội dung cần phản ánh.", "petition topic is empty",
                            reason="topic")
    if len(topic) > TOPIC_MAX_CHARS:
        raise PetitionError("Chủ đề quá dài.", "petition topic too long", reason="topic")
    body = check_text(text)
    number = normalize_phone(phone)
    rules = rules or CalendarRules.from_config(config)
    due = handling_due(at, config.petitions.handling_days, rules)
    station = config.station.id
    feedback = CitizenFeedback(str(uuid.uuid4()), topic, body, number, at, station)
    prefix = code_prefix(config)
    with transaction(db) as conn:
        code = _next_code(conn, prefix, at.astimezone(ZoneInfo(rules.timezone)).year)
        petition = Petition(uid=str(uuid.uuid4()), code=code, topic=topic, text=body,
                            phone=number, channel=channel, received_at=at, due_date=due,
                            status="open", updated_at=at, station_id=station,
                            feedback_uid=feedback.uid)
        conn.execute(
            "INSERT INTO citizen_feedback (uid, topic, text, phone, at, station_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (feedback.uid, topic, body, number, at.isoformat(), station))
        append_outbox(conn, FEEDBACK_RECORD_TYPE, feedback.as_json(), at,
                      record_id=feedback.uid)
        _write(conn, petition, insert=True)
    log.info("petition %s taken (%s), %d characters, %s phone, due %s", code, channel,
             len(body), "with" if number else "no", due.isoformat())
    return feedback, petition


def find(db: Database | sqlite3.Connection, code: str) -> Petition | None:
    row = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM petitions WHERE code = ?",
                     (normalize_code(code),)).fetchone()
    return _from_row(row) if row else None


def _change(db: Database, code: str, at: datetime, change) -> Petition:
    if at.tzinfo is None:
        raise ValueError("petition times must be timezone-aware")
    with transaction(db) as conn:
        current = find(conn, code)
        if current is None:
            raise PetitionNotFound(code)
        changed = replace(change(current), updated_at=at)
        _write(conn, changed, insert=False)
    return changed


def assign(db: Database, code: str, *, to: str, at: datetime) -> Petition:
    """Give the case to a clerk: open or assigned → assigned (an answered case keeps its
    status and only changes hands)."""
    name = _clean_name(to, "tên người xử lý")

    def change(p: Petition) -> Petition:
        if p.status == "closed":
            raise PetitionError("Phản ánh này đã đóng.", "petition is closed", reason="closed")
        return replace(p, assignee=name,
                       status="assigned" if p.status in ("open", "assigned") else p.status)

    petition = _change(db, code, at, change)
    log.info("petition %s assigned", petition.code)
    return petition


def answer(db: Database, code: str, *, text: str, by: str = "", at: datetime) -> Petition:
    """Record the office's answer: → answered, answered_at = `at` (a second answer replaces
    the first and keeps the first answer's time for lateness)."""
    body = clean_text(text)
    if len(body) < 5:
        raise PetitionError("Vui lòng nhập nội dung trả lời (ít nhất 5 ký tự).",
                            "answer shorter than 5 characters", reason="text_short")
    if len(body) > ANSWER_MAX_CHARS:
        raise PetitionError(f"Nội dung trả lời quá dài: tối đa {ANSWER_MAX_CHARS} ký tự.",
                            f"answer longer than {ANSWER_MAX_CHARS} characters",
                            reason="text_long")
    name = _clean_name(by, "tên người trả lời") if by.strip() else ""

    def change(p: Petition) -> Petition:
        if p.status == "closed":
            raise PetitionError("Phản ánh này đã đóng.", "petition is closed", reason="closed")
        return replace(p, answer=body, answered_by=name or p.assignee, status="answered",
                       answered_at=p.answered_at or at)

    petition = _change(db, code, at, change)
    log.info("petition %s answered, %d characters", petition.code, len(body))
    return petition


def close(db: Database, code: str, *, at: datetime) -> Petition:
    def change(p: Petition) -> Petition:
        if p.status != "answered":
            raise PetitionError("Chỉ đóng được phản ánh đã trả lời.",
                                "only an answered petition can be closed", reason="status")
        return replace(p, status="closed", closed_at=at)

    petition = _change(db, code, at, change)
    log.info("petition %s closed", petition.code)
    return petition


def list_petitions(db: Database | sqlite3.Connection, rules: CalendarRules, today: date, *,
                   open_only: bool = False, late_only: bool = False) -> list[Petition]:
    """Cases oldest deadline first; open_only: not answered yet; late_only: late (answered
    late, or unanswered past the deadline)."""
    where = " WHERE status IN ('open', 'assigned')" if open_only else ""
    rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM petitions{where} "
                      "ORDER BY due_date, received_at").fetchall()
    petitions = [_from_row(r) for r in rows]
    if late_only:
        petitions = [p for p in petitions if is_late(p, rules, today)]
    return petitions


def public_view(petition: Petition, rules: CalendarRules, today: date) -> PublicPetitionView:
    return PublicPetitionView(
        code=petition.code, topic=petition.topic, status=petition.status,
        received_on=petition.received_at.astimezone(ZoneInfo(rules.timezone)).date(),
        due_date=petition.due_date,
        answer=petition.answer if petition.status in ("answered", "closed") else "",
        answered_on=petition.answered_on(ZoneInfo(rules.timezone)),
        late=is_late(petition, rules, today))


def lookup(db: Database, code: str, rules: CalendarRules, today: date
           ) -> PublicPetitionView | None:
    """The citizen's look-up at the kiosk: the public view of the case, None when unknown."""
    petition = find(db, code) if looks_like_petition_code(code) else None
    return public_view(petition, rules, today) if petition else None


def office_lookup(db: Database, code: str, rules: CalendarRules, today: date,
                  hub: Any = None) -> PublicPetitionView | None:
    """The look-up the kiosk and the counter window make. On a client PC of a LAN office
    (`hub`: a callable opening the hub's queue) the office handles the case at the hub
    (forwarded there by the office feed), so the hub's view comes first; this PC's copy answers
    while the hub cannot be reached or does not know the code yet."""
    if hub is not None and looks_like_petition_code(code):
        from kiosk.queue.errors import HubUnavailable

        try:
            found = hub().petition_view(code)
            if found is not None:
                return found
        except HubUnavailable:
            log.info("petition look-up: the hub cannot be reached, this PC's copy")
    return lookup(db, code, rules, today)


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a case: `kind` is received (detail: the channel), assigned (the name),
    answered (who answered) or closed. `at` is None for a hand-over whose time is no longer
    known (its outbox row delivered and pruned)."""

    at: datetime | None
    kind: str
    detail: str = ""


def case_history(db: Database | sqlite3.Connection, petition: Petition) -> list[HistoryEntry]:
    """The case's steps, oldest first: its own times (received, answered, closed) and each
    change of hands the outbox still holds (every change appends the whole case there)."""
    import json

    entries = [HistoryEntry(petition.received_at, "received", petition.channel)]
    assignee = ""
    for (payload,) in db.execute(
            "SELECT payload FROM outbox WHERE record_type = ? "
            "AND json_extract(payload, '$.uid') = ? ORDER BY id",
            (RECORD_TYPE, petition.uid)).fetchall():
        data = json.loads(payload)
        name = str(data.get("assignee") or "")
        if name and name != assignee:
            entries.append(HistoryEntry(_dt(data.get("updated_at")), "assigned", name))
        assignee = name or assignee
    if petition.assignee and petition.assignee != assignee:
        entries.append(HistoryEntry(None, "assigned", petition.assignee))
    if petition.answered_at:
        entries.append(HistoryEntry(petition.answered_at, "answered", petition.answered_by))
    if petition.closed_at:
        entries.append(HistoryEntry(petition.closed_at, "closed"))
    return sorted(entries, key=lambda e: e.at or petition.received_at)


# -- retention ---------------------------------------------------------------------------------

PURGED_TEXT = ""


@dataclass
class PurgeReport:
    cutoff: datetime
    dry_run: bool
    purged: list[str]
    waiting_for_sync: list[str]
    #: Feedback that did not become a petition whose phone number was blanked (or would be).
    feedback_phones: int = 0


def _delivered(conn: sqlite3.Connection, petition_uid: str, feedback_uid: str | None) -> bool:
    """Every outbox row of the case (and of its feedback row) was accepted by the city."""
    waiting = conn.execute(
        "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND ("
        "(record_type = 'petition' AND json_extract(payload, '$.uid') = ?) "
        "OR (record_type = 'feedback' AND record_id = ?))",
        (petition_uid, feedback_uid or "")).fetchone()[0]
    return waiting == 0


def _forwarded(conn: sqlite3.Connection, petition_uid: str) -> bool:
    """The case's outbox rows are all behind the office feed's cursor (kiosk/officefeed): the
    hub has it."""
    last = conn.execute("SELECT max(id) FROM outbox WHERE record_type = 'petition' AND "
                        "json_extract(payload, '$.uid') = ?", (petition_uid,)).fetchone()[0]
    cursor = conn.execute("SELECT max(last_outbox_id) FROM office_feed_cursor").fetchone()[0]
    return last is not None and cursor is not None and cursor >= last


def _redact(conn: sqlite3.Connection, sql: str, args: tuple) -> None:
    import json

    for outbox_id, payload in conn.execute(sql, args).fetchall():
        data = json.loads(payload)
        data.update(text=PURGED_TEXT, phone=None)
        conn.execute("UPDATE outbox SET payload = ? WHERE id = ?",
                     (json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                                 sort_keys=True), outbox_id))


def _redact_phone(conn: sqlite3.Connection, feedback_uid: str) -> None:
    import json

    for outbox_id, payload in conn.execute("SELECT id, payload FROM outbox WHERE record_type = "
                                           "'feedback' AND record_id = ?",
                                           (feedback_uid,)).fetchall():
        data = json.loads(payload)
        if isinstance(data, dict) and data.get("phone"):
            data["phone"] = None
            conn.execute("UPDATE outbox SET payload = ? WHERE id = ?",
                         (json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                                     sort_keys=True), outbox_id))


def purge(db: Database, *, now: datetime, retention_days: int = 90,
          dry_run: bool = False) -> PurgeReport:
    """Blank the text and phone number of petitions answered more than `retention_days` ago
    (on a client PC: received that long ago and forwarded to the hub) whose every record the
    city has (here, in their feedback row and in the delivered outbox
    payloads); code, topic, dates, status and answer stay for the figures and the look-up.
    The phone number of feedback that did not become a petition goes too, `retention_days`
    after it was given, once the city has it (its text stays: no personal data is asked
    for there). One transaction."""
    if retention_days < 0:
        raise ValueError("retention_days cannot be negative")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    from datetime import timedelta

    cutoff = now - timedelta(days=retention_days)
    report = PurgeReport(cutoff, dry_run, [], [])
    with transaction(db) as conn:
        rows = conn.execute(
            "SELECT uid, code, feedback_uid, coalesce(answered_at, received_at), "
            "answered_at IS NOT NULL FROM petitions WHERE purged_at IS NULL ORDER BY id"
            ).fetchall()
        # Answered here before the cutoff; or (a client PC of a LAN office) received before
        # it and forwarded to the hub, which handles it from then on.
        old = [r[:4] for r in rows if datetime.fromisoformat(r[3]) <= cutoff
               and (r[4] or _forwarded(conn, r[0]))]
        ready = []
        for uid, code, feedback_uid, _ in old:
            if _delivered(conn, uid, feedback_uid):
                report.purged.append(code)
                ready.append((uid, feedback_uid))
            else:
                report.waiting_for_sync.append(code)
        # Feedback that did not become a petition: its phone number (the only personal data
        # in it) goes after the same time, once the city has the record. record_feedback
        # writes the outbox row in the same transaction, so no row left means it was
        # delivered and then pruned by the sync ([sync] keep_sent_days).
        phones = [r[0] for r in conn.execute(
            "SELECT f.uid, f.at FROM citizen_feedback f WHERE f.phone IS NOT NULL AND "
            "f.uid NOT IN (SELECT feedback_uid FROM petitions WHERE feedback_uid IS NOT NULL) "
            "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_type = 'feedback' AND "
            "o.record_id = f.uid AND o.sent_at IS NULL)").fetchall()
            if datetime.fromisoformat(r[1]) <= cutoff]
        report.feedback_phones = len(phones)
        if dry_run:
            return report
        for uid in phones:
            conn.execute("UPDATE citizen_feedback SET phone = NULL, purged_at = ? WHERE uid = ?",
                         (now.isoformat(), uid))
            _redact_phone(conn, uid)
        for uid, feedback_uid in ready:
            conn.execute("UPDATE petitions SET text = ?, phone = NULL, purged_at = ? "
                         "WHERE uid = ?", (PURGED_TEXT, now.isoformat(), uid))
            conn.execute("UPDATE citizen_feedback SET text = ?, phone = NULL, purged_at = ? "
                         "WHERE uid = ?", (PURGED_TEXT, now.isoformat(), feedback_uid or ""))
            _redact(conn, "SELECT id, payload FROM outbox WHERE record_type = 'petition' "
                    "AND json_extract(payload, '$.uid') = ?", (uid,))
            _redact(conn, "SELECT id, payload FROM outbox WHERE record_type = 'feedback' "
                    "AND record_id = ?", (feedback_uid or "",))
    if report.purged:
        log.info("petitions purged of personal data: %d", len(report.purged))
    if report.feedback_phones:
        log.info("feedback phone numbers purged: %d", report.feedback_phones)
    return report
