"""`kiosk petition take|list|show|assign|answer|close|purge`: citizens' petitions (phản ánh,
kiến nghị) as cases with a deadline, on this station's database (the hub's, in a LAN office:
the kiosk that takes petitions is usually the hub)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.commands import EXIT_FAILED, EXIT_OK
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    petition = sub.add_parser("petition", help="citizens' petitions (phản ánh, kiến nghị): "
                              "list, show, assign, answer, close")
    ps = petition.add_subparsers(dest="petition_command", required=True)

    take = ps.add_parser("take", help="take a citizen's petition at the counter: stores the "
                         "case and prints its slip with the code")
    take.add_argument("--topic", required=True)
    take.add_argument("--text", required=True)
    take.add_argument("--phone", default=None, help="the citizen's phone number (optional)")
    take.add_argument("--printer", metavar="URI", default=None,
                      help="print the slip here (default: the station's printer)")
    take.add_argument("--no-print", action="store_true", help="do not print a slip")
    take.add_argument("--json", action="store_true")
    take.set_defaults(handler=_take)

    ls = ps.add_parser("list", help="petitions, oldest deadline first")
    ls.add_argument("--open", action="store_true", help="only those not answered yet")
    ls.add_argument("--late", action="store_true",
                    help="only late ones (unanswered past the deadline, or answered late)")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(handler=_list)

    show = ps.add_parser("show", help="one petition with its text, answer and deadline")
    show.add_argument("code")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    assign = ps.add_parser("assign", help="give a petition to the person who handles it")
    assign.add_argument("code")
    assign.add_argument("--to", required=True, metavar="NAME")
    assign.add_argument("--json", action="store_true")
    assign.set_defaults(handler=_assign)

    answer = ps.add_parser("answer", help="record the office's answer (the citizen reads it "
                           "at the kiosk with the petition's code)")
    answer.add_argument("code")
    answer.add_argument("--text", required=True)
    answer.add_argument("--by", default="", metavar="NAME",
                        help="who answers (default: the assignee)")
    answer.add_argument("--json", action="store_true")
    answer.set_defaults(handler=_answer)

    close = ps.add_parser("close", help="close an answered petition")
    close.add_argument("code")
    close.add_argument("--json", action="store_true")
    close.set_defaults(handler=_close)

    purge = ps.add_parser("purge", help="blank the text and phone number of petitions "
                          "answered longer ago than the retention period and delivered to the "
                          "city, and the phone number of other feedback given that long ago, "
                          "archived years included")
    purge.add_argument("--dry-run", action="store_true", help="only list what would be purged")
    purge.add_argument("--days", type=int, metavar="N",
                       help="retention in days (default: [petitions] retention_days)")
    purge.set_defaults(handler=_purge)


def _context(config: Config, paths: Paths):
    from kiosk.calendar import CalendarRules
    from kiosk.station import open_database

    tz = ZoneInfo(config.office.timezone)
    return open_database(config, paths), CalendarRules.from_config(config), datetime.now(tz)


def _refused(exc) -> int:
    print(f"Lỗi: {exc.message_vi}", file=sys.stderr)
    print(f"Error: {exc.message_en}", file=sys.stderr)
    return EXIT_FAILED


def _row(petition, rules, today) -> dict:
    from kiosk.petitions.cases import working_days_late

    late = working_days_late(petition, rules, today)
    return dict(petition.as_json(), late=late > 0, working_days_late=late)


def _print(petition, rules, now, as_json: bool) -> int:
    from kiosk.petitions.cases import STATUS_VI

    row = _row(petition, rules, now.date())
    if as_json:
        print(json.dumps(row, ensure_ascii=False, indent=2))
        return EXIT_OK
    tz = ZoneInfo(rules.timezone)
    lines = [f"Mã: {petition.code}    Trạng thái: {STATUS_VI[petition.status]}",
             f"Chủ đề: {petition.topic}",
             f"Tiếp nhận: {petition.received_at.astimezone(tz):%H:%M %d/%m/%Y} "
             f"({'tại quầy' if petition.channel == 'counter' else 'tại ki-ốt'})",
             f"Hạn trả lời: {petition.due_date:%d/%m/%Y}"
             + (f"  (trễ {row['working_days_late']} ngày làm việc)" if row["late"] else ""),
             f"Người xử lý: {petition.assignee or '—'}",
             f"Số điện thoại: {petition.phone or '—'}",
             "Nội dung:", f"  {petition.text}"]
    if petition.answered_at:
        lines += [f"Trả lời lúc {petition.answered_at.astimezone(tz):%H:%M %d/%m/%Y}"
                  f"{' bởi ' + petition.answered_by if petition.answered_by else ''}:",
                  f"  {petition.answer}"]
    print("\n".join(lines))
    return EXIT_OK


def _list(args, config: Config, paths: Paths) -> int:
    from kiosk.petitions.cases import STATUS_VI, list_petitions

    db, rules, now = _context(config, paths)
    petitions = list_petitions(db, rules, now.date(), open_only=args.open,
                               late_only=args.late)
    rows = [_row(p, rules, now.date()) for p in petitions]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("Không có phản ánh, kiến nghị nào.")
        return EXIT_OK
    for p, row in zip(petitions, rows, strict=True):
        late = f"trễ {row['working_days_late']} ngày" if row["late"] else ""
        print(f"{p.code:<11} {p.due_date:%d/%m/%Y}  {STATUS_VI[p.status]:<14} "
              f"{(p.assignee or '—')[:20]:<20} {late:<12} {p.topic}")
    print(f"{len(rows)} phản ánh, kiến nghị; {sum(r['late'] for r in rows)} trễ hạn.")
    return EXIT_OK


def _find(db, code):
    from kiosk.petitions.cases import PetitionNotFound, find

    petition = find(db, code)
    if petition is None:
        raise PetitionNotFound(code)
    return petition


def _show(args, config: Config, paths: Paths) -> int:
    from kiosk.petitions.cases import PetitionError

    db, rules, now = _context(config, paths)
    try:
        return _print(_find(db, args.code), rules, now, args.json)
    except PetitionError as exc:
        return _refused(exc)


def _change(args, config: Config, paths: Paths, change) -> int:
    from kiosk.petitions.cases import PetitionError

    db, rules, now = _context(config, paths)
    try:
        petition = change(db, now)
    except PetitionError as exc:
        return _refused(exc)
    return _print(petition, rules, now, args.json)


def _assign(args, config: Config, paths: Paths) -> int:
    from kiosk.petitions.cases import assign

    return _change(args, config, paths,
                   lambda db, now: assign(db, args.code, to=args.to, at=now))


def _answer(args, config: Config, paths: Paths) -> int:
    from kiosk.petitions.cases import answer

    return _change(args, config, paths, lambda db, now: answer(
        db, args.code, text=args.text, by=args.by, at=now))


def _close(args, config: Config, paths: Paths) -> int:
    from kiosk.petitions.cases import close

    return _change(args, config, paths, lambda db, now: close(db, args.code, at=now))


def _purge(args, config: Config, paths: Paths) -> int:
    from kiosk.commands import EXIT_USAGE
    from kiosk.petitions.cases import purge

    days = args.days if args.days is not None else config.petitions.retention_days
    if days < 0:
        print("--days cannot be negative", file=sys.stderr)
        return EXIT_USAGE
    db, _rules, now = _context(config, paths)
    report = purge(db, now=now, retention_days=days, dry_run=args.dry_run)
    verb = "Would purge" if args.dry_run else "Purged"
    print(f"{verb} the text and phone number of {len(report.purged)} petition(s) answered "
          f"before {report.cutoff:%d/%m/%Y %H:%M} and synced to the city.")
    for code in report.purged:
        print(f"  {code}")
    if report.waiting_for_sync:
        print(f"{len(report.waiting_for_sync)} older petition(s) kept: not yet delivered to "
              "the city.")
    if report.feedback_phones:
        print(f"{verb} the phone number of {report.feedback_phones} feedback message(s) given "
              f"before {report.cutoff:%d/%m/%Y %H:%M} and synced to the city.")
    from kiosk.commands.archive import purge_archived_years

    return purge_archived_years(config, paths, args.dry_run, dossiers=False, feedback_days=days)


def _take(args, config: Config, paths: Paths) -> int:
    from kiosk.feedback.errors import FeedbackError
    from kiosk.petitions.cases import take_petition

    db, rules, now = _context(config, paths)
    try:
        _feedback, petition = take_petition(db, config, topic=args.topic, text=args.text,
                                            phone=args.phone, at=now, channel="counter")
    except FeedbackError as exc:  # the topic, text or phone refused
        return _refused(exc)
    status = _print(petition, rules, now, args.json)
    if args.no_print:
        return status
    from kiosk.petitions.slip import print_petition_slip
    from kiosk.station import open_configured_printer

    try:
        print_petition_slip(open_configured_printer(config, paths, args.printer), config,
                            petition)
    except Exception as exc:
        print(f"Slip not printed: {getattr(exc, 'message_en', exc)}", file=sys.stderr)
        return EXIT_FAILED
    return status
