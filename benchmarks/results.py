"""A month's results report: an office with 3,000 dossiers in one month.

The month (March 2026, 22 working days) is made through the application services: 3,000
dossiers (DossierDesk.save_intake, 6 clerks, procedures weighted as in benchmarks/years.py),
each with a ticket called and finished by its clerk and linked to it; about 80% finished
within their processing time, 8% late, 3% late with an apology slip (Mẫu 04), 5% sent for a
supplement (status 5, back to processing two working days later, a Mẫu 02 slip), 2% online
registrations refused (status 3), the rest still in progress; one rating for every second
ticket. Slips are rows of `dossier_slips` as the slip writer stores them.

Measured (best of a few runs, in this process, the database warm as the office window has
it): `office_stats` for the month (queue, ratings, dossiers and the results per clerk and per
procedure), then each of csv, xlsx and pdf written from those figures; and `kiosk report
--format pdf` for the month as a new process (what a user runs). The target: a month's
report in under 2 s.

`--quick`: 600 dossiers.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
DOSSIERS = 3000
CLERKS = ("Nguyễn Thị Thu Hà", "Trần Minh Đức", "Phạm Thị Quỳnh Hương", "Lê Văn Khánh",
          "Võ Thị Mai", "Đặng Quang Nam")


def _event(db, ticket_id: int, kind: str, at: datetime, counter: int, clerk: str) -> None:
    db.execute("INSERT INTO queue_events (uid, ticket_id, kind, at, station_id, detail) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               (str(uuid.uuid4()), ticket_id, kind, at.isoformat(), f"counter-{counter}",
                json.dumps({"counter": counter, "clerk": clerk}, ensure_ascii=False)))


def _slip(db, dossier_id: int, form: str, at: datetime, clerk: str,
          new_date: date | None = None) -> None:
    db.execute("INSERT INTO dossier_slips (uid, dossier_id, form, reason, new_date, issued_at, "
               "clerk, station_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (str(uuid.uuid4()), dossier_id, form, "Hồ sơ cần xác minh thêm",
                new_date.isoformat() if new_date else None, at.isoformat(), clerk, "counter-1"))


def build(path: Path, n: int, progress=lambda _m: None) -> None:
    from kiosk.calendar import CalendarRules, is_working_day, next_working_day
    from kiosk.config import Config
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.models import Intake
    from kiosk.dossiers.seed import AREAS, fake_person
    from kiosk.dossiers.status import DossierStatus as S
    from kiosk.feedback.ratings import record_rating
    from kiosk.store import connect
    from kiosk.ticketing import TicketDesk

    rng = random.Random(766)
    config = Config()
    rules = CalendarRules.from_config(config)
    db = connect(path)
    tickets = TicketDesk(db, config)
    desk = DossierDesk(db, config)
    procedures = [p for p in desk.procedures if p.field_code != "HT" or p.processing_days]
    procedures = procedures or desk.procedures
    weights = [{"CT": 6, "CTRU": 3, "DD": 2}.get(p.field_code, 1) for p in procedures]
    services = {s.code for s in tickets.services}
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    days = [d for d in days if is_working_day(d, rules)]

    def wd(day: date, k: int) -> date:
        for _ in range(k):
            day = next_working_day(day, rules)
        return day

    def moment(day: date, hour: int) -> datetime:
        return datetime.combine(day, dtime(hour, rng.randint(0, 59)), TZ)

    for i in range(n):
        day = days[i * len(days) // n]
        at = moment(day, rng.randint(8, 14))
        clerk = rng.choice(CLERKS)
        counter = CLERKS.index(clerk) + 1
        procedure = rng.choices(procedures, weights)[0]
        service = procedure.service if procedure.service in services else next(iter(services))
        ticket = tickets.issue(service, at=at - timedelta(minutes=12))
        _event(db, ticket.id, "called", at - timedelta(minutes=3), counter, clerk)
        _event(db, ticket.id, "finished", at + timedelta(minutes=6), counter, clerk)
        d = desk.save_intake(Intake(procedure_code=procedure.code,
                                    submitter=fake_person(rng, today=day),
                                    area=rng.choice(AREAS), ticket_id=ticket.id),
                             clerk=clerk, at=at)
        if i % 2 == 0:
            record_rating(db, ticket_uid=ticket.uid, dossier_code=d.code, counter=counter,
                          clerk=clerk, level=rng.choices(
                              ("very_satisfied", "satisfied", "unsatisfied"), (5, 4, 1))[0],
                          reasons=(), at=at + timedelta(minutes=8), station_id="rating-1")
        due = d.appointment_date
        roll = rng.random()
        if roll < 0.02:
            db.execute("UPDATE dossiers SET status = 1 WHERE id = ?", (d.id,))
            desk.change_status(d.code, S.REFUSED, clerk=clerk, reason="Không đúng thẩm quyền",
                               at=at + timedelta(minutes=20))
            continue
        if roll < 0.07:
            asked = wd(day, 1)
            desk.request_supplement(d.code, "Thiếu giấy tờ", clerk=clerk, at=moment(asked, 9))
            _slip(db, d.id, "02", moment(asked, 10), clerk)
            desk.change_status(d.code, S.PROCESSING, clerk=clerk, at=moment(wd(asked, 2), 9))
            finished = wd(due, 2)
        elif roll < 0.10:
            new_date = wd(due, 3)
            _slip(db, d.id, "04", moment(due, 9), clerk, new_date)
            finished = new_date
        elif roll < 0.18:
            finished = wd(due, rng.randint(1, 4))
        elif roll < 0.95:
            finished = max(day, due - timedelta(days=rng.randint(0, 2)))
        else:
            continue  # still in progress
        if finished <= LAST:
            desk.finish(d.code, clerk=clerk, at=moment(finished, rng.randint(8, 16)))
        if i % 500 == 499:
            progress(f"{i + 1} dossiers")
    db.conn.close()


def _best(runs: int, work) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - t0)
    return best, value


def run(quick: bool = False) -> dict:
    from kiosk.calendar import CalendarRules
    from kiosk.config import Config
    from kiosk.stats import office_stats
    from kiosk.stats.report import write_report
    from kiosk.store import connect

    n = 600 if quick else DOSSIERS
    runs = 2 if quick else 5
    out: dict = {"dossiers": n}
    with tempfile.TemporaryDirectory(prefix="hcc-bench-results-") as tmp:
        data = Path(tmp) / "station"
        data.mkdir()
        t0 = time.perf_counter()
        build(data / "kiosk.db", n, lambda m: print(f"  building: {m}", file=sys.stderr,
                                                     flush=True))
        out["build_s"] = round(time.perf_counter() - t0, 1)
        db = connect(data / "kiosk.db")
        rules = CalendarRules.from_config(Config())
        compute_s, stats = _best(runs, lambda: office_stats(db, FIRST, LAST, TZ.key,
                                                            rules=rules))
        db.conn.close()
        r = stats.results.total
        out["settled / late / apologised"] = f"{r.settled} / {r.late} / {r.apologised}"
        out["refused / supplemented"] = f"{r.refused} / {r.supplemented}"
        out["clerks / procedures"] = f"{len(stats.results.by_clerk)} / " \
                                     f"{len(stats.results.by_procedure)}"
        out["month_stats_s"] = round(compute_s, 3)
        for fmt in ("csv", "xlsx", "pdf"):
            write_s, _ = _best(runs, lambda f=fmt: write_report(stats, f, Path(tmp) / f"r.{f}"))
            out[f"month_stats_and_{fmt}_s"] = round(compute_s + write_s, 3)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("KIOSK_CONFIG", None)
        cli_s, _ = _best(max(1, runs // 2), lambda: subprocess.run(
            [sys.executable, "-m", "kiosk.cli", "--data-dir", str(data), "report", "--from",
             FIRST.isoformat(), "--to", LAST.isoformat(), "--format", "pdf", "--out",
             str(Path(tmp) / "cli.pdf")], check=True, capture_output=True, env=env))
        out["kiosk_report_pdf_process_s"] = round(cli_s, 3)
    return out
