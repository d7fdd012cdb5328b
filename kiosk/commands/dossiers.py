"""`kiosk export logbook`, `kiosk dossier intake|status|return|show|receipt|list|slip|
handover|purge`.

intake, status, return and show are the counter's work without a screen (scripts, integration,
tests): one JSON object on stdout with --json; a refusal is worded in Vietnamese and in English on
stderr, exit 1.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

from kiosk.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.commands.queue_ops import add_hub_options
from kiosk.config import Config
from kiosk.paths import Paths


def register(sub) -> None:
    export = sub.add_parser("export", help="export records to files")
    export_sub = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    book = export_sub.add_parser("logbook", help="the dossier logbook (Sổ theo dõi hồ sơ) for "
                                 "a range of days, as csv, xlsx or pdf")
    book.add_argument("--from", dest="start", required=True, metavar="DATE",
                      help="first day, YYYY-MM-DD (or DD/MM/YYYY)")
    book.add_argument("--to", dest="end", required=True, metavar="DATE",
                      help="last day, inclusive")
    book.add_argument("--format", required=True, choices=("csv", "xlsx", "pdf"))
    book.add_argument("--out", required=True, metavar="FILE")
    book.set_defaults(handler=_export_logbook)

    dossier = sub.add_parser("dossier", help="look up dossiers, reprint receipts, purge old "
                             "personal data")
    dsub = dossier.add_subparsers(dest="dossier_command", required=True, metavar="ACTION")
    intake = dsub.add_parser("intake", help="take a dossier in: the citizen's ID card QR, the "
                             "procedure; prints the code and the appointment date")
    intake.add_argument("--procedure", required=True, metavar="CODE",
                        help="the procedure's code in the catalogue, e.g. 1.001612")
    intake.add_argument("--cccd", required=True, metavar="TEXT",
                        help="the text of the ID card's QR code (as a scanner reads it)")
    intake.add_argument("--phone", metavar="P", help="the citizen's phone number")
    intake.add_argument("--email", metavar="E", help="the citizen's e-mail address")
    intake.add_argument("--counter", type=int, metavar="N",
                        help="the counter taking it in (default: [counter] number)")
    _clerk_option(intake)
    intake.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(intake)
    intake.set_defaults(handler=_intake)

    status = dsub.add_parser("status", help="move a dossier to another official status")
    status.add_argument("code", metavar="CODE")
    status.add_argument("--to", required=True, metavar="STATUS",
                        help="1-10 or a name: received, processing, supplement_requested, "
                        "fee_requested, withdrawn, stopped, finished, returned, refused")
    status.add_argument("--reason", metavar="TEXT", help="the reason (required for refused, "
                        "supplement_requested, withdrawn and stopped)")
    _clerk_option(status)
    status.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(status)
    status.set_defaults(handler=_status)

    hand_back = dsub.add_parser("return", help="hand the result back to the citizen")
    hand_back.add_argument("code", metavar="CODE")
    _clerk_option(hand_back)
    hand_back.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(hand_back)
    hand_back.set_defaults(handler=_return)

    show = dsub.add_parser("show", help="show one dossier and its status history")
    show.add_argument("code", metavar="CODE")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(show)
    show.set_defaults(handler=_show)

    receipt = dsub.add_parser("receipt", help="reprint a dossier's receipt (thermal, or A4 PDF)")
    receipt.add_argument("code", metavar="CODE")
    receipt.add_argument("--pdf", nargs="?", const="", metavar="FILE",
                         help="write the A4 PDF instead of printing: to FILE, or without FILE "
                         "to dossiers.a4_output_dir (default: 'receipts' in the data directory)")
    receipt.add_argument("--printer", metavar="URI", help="override the receipt printer")
    receipt.add_argument("--copies", type=int, metavar="N", help="number of copies")
    receipt.set_defaults(handler=_receipt)

    _register_slips(dsub)

    purge = dsub.add_parser("purge", help="remove personal data from dossiers handed back "
                            "(or refused, withdrawn, stopped), synced to the city and older "
                            "than the retention period, archived years included")
    purge.add_argument("--dry-run", action="store_true", help="only list what would be purged")
    purge.add_argument("--days", type=int, metavar="N", help="retention in days (default: "
                       "the configured dossiers.retention_days)")
    purge.set_defaults(handler=_purge)

    register_due_list(dsub)


def parse_day(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not YYYY-MM-DD or DD/MM/YYYY")


def _clerk_option(parser) -> None:
    parser.add_argument("--clerk", metavar="NAME",
                        help="the clerk acting (default: [counter] clerk)")


def _refused(message_vi: str, message_en: str) -> int:
    print(f"Lỗi: {message_vi}", file=sys.stderr)
    print(f"Error: {message_en}", file=sys.stderr)
    return EXIT_FAILED


def _clerk(args, config: Config) -> str:
    return " ".join((args.clerk or config.counter.clerk or "").split())


def _no_clerk(what: str = "thực hiện") -> int:
    return _refused(f"Thiếu tên cán bộ {what}: dùng --clerk hoặc đặt [counter] clerk.",
                    "no clerk: give --clerk or set [counter] clerk")


def _desk(config: Config, paths: Paths, args=None):
    """The dossier desk of this station: with --hub URL, or on a counter PC of a LAN office
    (`hub.role = client`), the office's dossier book through the hub, this station's
    database being its mirror (kiosk/dossiers/office.py); else this station's own database.
    A hub that cannot be opened (no URL, a bad --ca-file) raises DossierError."""
    from kiosk.dossiers.models import DossierError
    from kiosk.dossiers.office import OfficeDesk
    from kiosk.queue.errors import QueueError
    from kiosk.queue.settings import hub_settings
    from kiosk.station import open_database

    hub = numbers = None
    if getattr(args, "hub", None) is not None:
        from kiosk.commands.queue_ops import open_cli_queue

        try:
            hub = open_cli_queue(args, config, paths)
        except (ValueError, QueueError) as exc:
            raise DossierError("Không mở được kết nối tới máy chủ văn phòng (--hub, --key, "
                               "--ca-file).", str(exc)) from exc
    elif hub_settings(config).role == "client":
        opened: list = []

        def hub():
            if not opened:
                from kiosk.station import open_queue

                opened.append(open_queue(config, paths))
            return opened[0]
    if hub is not None:
        # Office-unique codes: numbers leased from the hub (the same queue as the book).
        from kiosk.dossiers.numbers import leased_numbers_for
        from kiosk.dossiers.office import resend_on_restore

        numbers = leased_numbers_for(config, paths, hub)
        numbers.on_epoch_change = resend_on_restore(numbers.db_path)
    return OfficeDesk(open_database(config, paths), config, hub, numbers=numbers)


def _export_logbook(args, config: Config, paths: Paths) -> int:
    from kiosk.dossiers.logbook import export_logbook, logbook_rows

    try:
        start, end = parse_day(args.start), parse_day(args.end)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if end < start:
        print("--to is before --from", file=sys.stderr)
        return EXIT_USAGE
    from zoneinfo import ZoneInfo

    from kiosk.archive.files import ArchiveError
    from kiosk.archive.reading import EVERY_INDEX, with_archives
    from kiosk.archive.schedule import station_folder

    desk = _desk(config, paths)
    try:
        # Archived years the range reaches are read with the live days (docs/archive.md).
        with with_archives(desk.db, station_folder(config, paths), start=start, end=end,
                           tz=ZoneInfo(config.office.timezone), deferred=EVERY_INDEX):
            rows = logbook_rows(desk, start, end)
    except ArchiveError as exc:
        print(f"Cannot read an archived year: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        out = export_logbook(rows, args.format, Path(args.out),
                             unit_name=desk.settings.unit_name, start=start, end=end)
    except OSError as exc:
        print(f"Cannot write {args.out}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{len(rows)} dossier(s) from {start:%d/%m/%Y} to {end:%d/%m/%Y} written to {out}")
    return EXIT_OK


def _intake(args, config: Config, paths: Paths) -> int:
    from kiosk.dossiers.checks import person_from_cccd
    from kiosk.dossiers.models import DossierError, Intake
    from kiosk.scanning import parse_scan

    scan = parse_scan(args.cccd)
    if scan.error is not None:
        return _refused(scan.error.message_vi, scan.error.message_en)
    if scan.kind != "cccd":
        return _refused("Nội dung --cccd không phải mã QR trên thẻ căn cước.",
                        "--cccd is not the text of an ID card's QR code")
    clerk = _clerk(args, config)
    if not clerk:
        return _no_clerk("tiếp nhận")
    if args.counter is not None:
        if not 1 <= args.counter <= 999:
            return _refused("Số quầy phải từ 1 đến 999.", "--counter must be 1 to 999")
        config = config.with_values(counter={"number": args.counter})
    try:
        submitter = person_from_cccd(scan.fields or {}, phone=args.phone or "",
                                     email=args.email or "")
        desk = _desk(config, paths, args)
        dossier = desk.save_intake(Intake(procedure_code=args.procedure, submitter=submitter),
                                   clerk=clerk)
    except DossierError as exc:
        return _refused(exc.message_vi, exc.message_en)
    refused = _book_refusal(desk, dossier.code)
    if refused is not None:
        return refused
    return _print_dossier(dossier, args.json, desk)


def _status(args, config: Config, paths: Paths) -> int:
    from kiosk.dossiers.status import DossierStatus, status_from_text

    try:
        to = status_from_text(args.to)
    except ValueError as exc:
        return _refused(f"Trạng thái {args.to!r} không có: dùng số 1-10 hoặc tên, ví dụ "
                        "processing, finished.", str(exc))
    if to is DossierStatus.RETURNED:
        return _act(args, config, paths, lambda desk, clerk: desk.hand_back(
            args.code, clerk=clerk, note=args.reason))
    return _act(args, config, paths, lambda desk, clerk: desk.change_status(
        args.code, to, clerk=clerk, reason=args.reason))


def _return(args, config: Config, paths: Paths) -> int:
    return _act(args, config, paths,
                lambda desk, clerk: desk.hand_back(args.code, clerk=clerk))


def _act(args, config: Config, paths: Paths, change) -> int:
    """A change of a stored dossier by the clerk of --clerk, refusals worded."""
    from kiosk.dossiers.models import DossierError
    from kiosk.dossiers.status import IllegalTransition

    clerk = _clerk(args, config)
    if not clerk:
        return _no_clerk()
    try:
        desk = _desk(config, paths, args)
        dossier = change(desk, clerk)
    except (DossierError, IllegalTransition) as exc:
        return _refused(exc.message_vi, exc.message_en)
    return _print_dossier(dossier, args.json, desk)


def _show(args, config: Config, paths: Paths) -> int:
    from kiosk.dossiers.models import DossierError, DossierNotFound

    try:
        desk = _desk(config, paths, args)
        dossier = desk.get(args.code)
    except DossierNotFound as exc:
        archived = _show_archived(args, config, paths)
        return archived if archived is not None else _refused(exc.message_vi, exc.message_en)
    except DossierError as exc:
        return _refused(exc.message_vi, exc.message_en)
    if getattr(desk, "stale", False):
        print("Máy chủ văn phòng không trả lời: hồ sơ theo bản lưu trên máy này (có thể chưa "
              "mới nhất).\nThe office hub did not answer: this PC's copy, possibly out of "
              "date.", file=sys.stderr)
    return _print_dossier(dossier, args.json, desk)


def _show_archived(args, config: Config, paths: Paths) -> int | None:
    """`dossier show` of a dossier in an archived year (read-only); None when no archive
    holds it."""
    from kiosk.archive.files import ArchiveError
    from kiosk.archive.reading import EVERY_INDEX, archived_dossier_year, with_archives
    from kiosk.archive.schedule import station_folder
    from kiosk.dossiers.intake import DossierDesk
    from kiosk.dossiers.models import DossierError
    from kiosk.station import open_database

    year = archived_dossier_year(station_folder(config, paths), args.code)
    if year is None:
        return None
    db = open_database(config, paths)
    try:
        # One dossier read by its code: a scan of the year's copy costs less than its indexes.
        with with_archives(db, station_folder(config, paths), years=[year],
                           deferred=EVERY_INDEX):
            dossier = DossierDesk(db, config).get(args.code)
            if args.json:
                print(json.dumps({**dossier_json(dossier), "archived": year},
                                 ensure_ascii=False, indent=2))
                return EXIT_OK
            print(f"Hồ sơ đã lưu trữ (năm {year}, chỉ xem).\nArchived dossier ({year}, "
                  "read-only).", file=sys.stderr)
            return _print_dossier(dossier, False)
    except (ArchiveError, DossierError) as exc:
        print(f"Cannot read the archive of {year}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        db.conn.close()


def dossier_json(dossier) -> dict:
    """What the dossier commands print with --json: the whole record, its history, `due_at`
    (the appointment date) and `version` (how many status changes it has had)."""
    return {**dossier.as_json(), "due_at": dossier.appointment_date.isoformat(),
            "version": len(dossier.history)}


def _book_refusal(desk, code: str) -> int | None:
    """An intake the office book refused (it stays on this PC, listed for the clerk): worded,
    exit 1. None when the book took it or it waits for the hub."""
    lost = [c for c in desk.state().lost if c.code == code] if desk.book else []
    if not lost:
        return None
    from kiosk.dossiers.office import mark_seen

    mark_seen(desk.db, [c.id for c in lost])
    return _refused(lost[0].message_vi, f"the office book refused dossier {code}; it is kept "
                    "on this PC only (see the counter window's refused changes)")


def _book_field(desk, code: str) -> str | None:
    """Where the dossier stands with the office book: "saved" (the book has every change),
    "pending" (changes wait for the hub); None for a station without a book."""
    if desk is None or not desk.book:
        return None
    waiting = desk.db.execute("SELECT 1 FROM book_outbox WHERE code = ? AND sent_at IS NULL "
                              "AND lost_at IS NULL LIMIT 1", (code,)).fetchone()
    return "pending" if waiting else "saved"


def _print_dossier(dossier, as_json: bool, desk=None) -> int:
    book = _book_field(desk, dossier.code)
    if as_json:
        out = dossier_json(dossier)
        if book is not None:
            out["book"] = book
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    if book == "pending":
        print("Máy chủ văn phòng chưa nhận hồ sơ này: máy sẽ gửi khi có kết nối.\n"
              "Not yet in the office book: this PC sends it when the hub answers.",
              file=sys.stderr)
    d = dossier
    lines = [
        f"Mã hồ sơ:        {d.code}",
        f"Thủ tục:         {d.procedure_code} {d.procedure_name}",
        f"Lĩnh vực:        {d.field_name}",
        f"Người nộp:       {d.submitter.name or '(đã xóa)'}",
        f"Chủ hồ sơ:       {d.holder.name or '(đã xóa)'}",
        f"Tiếp nhận:       {d.received_at:%H:%M %d/%m/%Y} ({d.clerk})",
        f"Hẹn trả:         {d.appointment_date:%d/%m/%Y}",
        f"Trạng thái:      {int(d.status)} {d.status.label_vi}"
        + (f" — {d.status_reason}" if d.status_reason else ""),
    ]
    if d.returned_at:
        on_time = "đúng hạn" if d.on_time else "quá hạn"
        lines.append(f"Đã trả:          {d.returned_at:%H:%M %d/%m/%Y} ({on_time})")
    if d.purged_at:
        lines.append(f"Dữ liệu cá nhân đã xóa: {d.purged_at:%d/%m/%Y}")
    lines.append("Lịch sử:")
    for h in d.history:
        before = f"{int(h.from_status)} → " if h.from_status is not None else ""
        reason = f" — {h.reason}" if h.reason else ""
        lines.append(f"  {h.at:%H:%M %d/%m/%Y}  {before}{int(h.to_status)} "
                     f"{h.to_status.label_vi} ({h.clerk}){reason}")
    print("\n".join(lines))
    return EXIT_OK


def _receipt(args, config: Config, paths: Paths) -> int:
    from drivers.printers import PrintError, PrinterUriError
    from kiosk.dossiers.models import DossierNotFound
    from kiosk.station import open_receipt_printer

    desk = _desk(config, paths)
    try:
        code = desk.get(args.code).code
    except DossierNotFound as exc:
        print(exc.message_en, file=sys.stderr)
        return EXIT_FAILED
    if args.pdf is not None:
        out = Path(args.pdf) if args.pdf else desk.settings.a4_path(code, paths.data_dir)
        print(f"Receipt written to {desk.write_receipt_pdf(code, out)}")
        return EXIT_OK
    try:
        printer = open_receipt_printer(config, paths, args.printer)
    except PrinterUriError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    try:
        desk.print_receipt(code, printer, args.copies)
    except PrintError as exc:
        print(f"Receipt not printed: {exc.message_en}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Receipt for {code} sent to {printer.uri}.")
    return EXIT_OK


def _purge(args, config: Config, paths: Paths) -> int:
    from kiosk.dossiers.retention import purge_personal_data

    desk = _desk(config, paths)
    days = args.days if args.days is not None else desk.settings.retention_days
    if days < 0:
        print("--days cannot be negative", file=sys.stderr)
        return EXIT_USAGE
    report = purge_personal_data(desk.db, now=desk.now(), retention_days=days,
                                 dry_run=args.dry_run)
    verb = "Would purge" if args.dry_run else "Purged"
    print(f"{verb} personal data of {len(report.purged)} dossier(s) handed back (or refused, "
          f"withdrawn, stopped) before {report.cutoff:%d/%m/%Y %H:%M} and synced to the city.")
    for code in report.purged:
        print(f"  {code}")
    if report.waiting_for_sync:
        print(f"{len(report.waiting_for_sync)} older dossier(s) kept: not yet delivered to the "
              "city.")
    from kiosk.commands.archive import purge_archived_years

    return purge_archived_years(config, paths, args.dry_run, feedback=False,
                                dossier_days=days)




# -- kiosk dossier list: what falls due, what is overdue ---------------------------------------


def register_due_list(dsub) -> None:
    listing = dsub.add_parser(
        "list", help="open dossiers overdue or falling due (on a counter PC of a LAN office: "
        "the whole office, from the hub's dossier book)")
    listing.add_argument("--overdue", action="store_true",
                         help="only the overdue dossiers (past the appointment date, or the "
                         "apology slip's new date)")
    listing.add_argument("--due-within", type=int, metavar="DAYS",
                         help="also those due within DAYS working days, today included (0-30; "
                         "default: [dossiers] due_soon_days; with --overdue: add them)")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(listing)
    listing.set_defaults(handler=_due_list)


def _due_list(args, config: Config, paths: Paths) -> int:
    from kiosk.dossiers.duelist import check_within, office_due_list
    from kiosk.dossiers.models import DossierError

    within_given = args.due_within is not None
    try:
        within = check_within(args.due_within if within_given
                              else config.dossiers.due_soon_days)
    except ValueError as exc:
        print(f"Lỗi: số ngày làm việc phải từ 0 đến 30.\nError: {exc}", file=sys.stderr)
        return EXIT_USAGE
    overdue_only = args.overdue and not within_given
    try:
        desk = _desk(config, paths, args)
        listing = office_due_list(desk, desk.now().date(), within=within,
                                  overdue_only=overdue_only)
    except DossierError as exc:
        return _refused(exc.message_vi, exc.message_en)
    if listing.stale:
        print("Máy chủ văn phòng không trả lời: danh sách theo bản lưu trên máy này (chỉ hồ sơ "
              "máy này đã xử lý).\nThe office hub did not answer: this PC's copy only.",
              file=sys.stderr)
    if args.json:
        print(json.dumps(listing.as_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(_due_text(listing, overdue_only))
    return EXIT_OK


def _due_text(listing, overdue_only: bool) -> str:
    from kiosk.dossiers.duelist import OVERDUE, SOON, TODAY

    heads = ((OVERDUE, "Quá hạn"), (TODAY, "Đến hạn hôm nay"),
             (SOON, f"Đến hạn trong {listing.within} ngày làm việc tới"))
    lines = [f"Hồ sơ cần trả ngày {listing.today:%d/%m/%Y}"]
    for kind, head in heads:
        rows = listing.of(kind)
        if overdue_only and kind != OVERDUE:
            continue
        lines.append(f"\n{head}: {len(rows)}")
        for e in rows:
            if e.overdue:
                when = f"quá {-e.working_days_left} ngày"
            elif e.working_days_left:
                when = f"còn {e.working_days_left} ngày"
            else:
                when = "hôm nay"
            notes = []
            if e.apologised:
                notes.append("đã xin lỗi, hẹn lại")
            if e.paused:
                notes.append("chờ bổ sung")
            note = f" ({', '.join(notes)})" if notes else ""
            lines.append(f"  {e.code}  hạn {e.due_date:%d/%m/%Y} {when}  "
                         f"{e.procedure_name}  [{e.clerk}]{note}")
    groups = listing.as_json()
    for key, head, name in (("by_clerk", "Theo cán bộ", "clerk"),
                            ("by_procedure", "Theo thủ tục", "procedure_name")):
        if groups[key]:
            lines.append(f"\n{head} (quá hạn / hôm nay / sắp đến hạn):")
            lines += [f"  {g[name]}: {g[OVERDUE]} / {g[TODAY]} / {g[SOON]}"
                      for g in groups[key]]
    return "\n".join(lines)

# -- the official slips (Mẫu 02-05) and hand-overs ----------------------------------------------

def _register_slips(dsub) -> None:
    slip = dsub.add_parser("slip", help="issue an official slip: 02 supplement request, 03 "
                           "refusal, 04 apology with a new date, 05 process control")
    slip.add_argument("code", metavar="CODE")
    slip.add_argument("--form", required=True, choices=("02", "03", "04", "05"))
    slip.add_argument("--reason", metavar="TEXT", help="02: what is missing (one item a line "
                      "or separated by ';'); 03: the reason for refusing; 04: why it is late")
    slip.add_argument("--new-date", metavar="YYYY-MM-DD", help="04: the new date for the result")
    out = slip.add_mutually_exclusive_group()
    out.add_argument("--pdf", metavar="FILE", help="write the A4 PDF to FILE (default: print "
                     "on the receipt printer)")
    out.add_argument("--printer", metavar="URI", help="override the receipt printer")
    _clerk_option(slip)
    slip.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(slip)
    slip.set_defaults(handler=_slip)

    handover = dsub.add_parser("handover", help="record that a dossier was handed to a "
                               "department (listed on Mẫu 05)")
    handover.add_argument("code", metavar="CODE")
    handover.add_argument("--to", dest="to_party", required=True, metavar="PARTY")
    handover.add_argument("--received-by", required=True, metavar="NAME")
    handover.add_argument("--from", dest="from_party", metavar="PARTY",
                          help="default: the receiving unit")
    handover.add_argument("--due", metavar="YYYY-MM-DD", help="by when it must move on")
    handover.add_argument("--note", metavar="TEXT")
    _clerk_option(handover)
    handover.add_argument("--json", action="store_true", help="print one JSON object")
    add_hub_options(handover)
    handover.set_defaults(handler=_handover)


def _day_or_refuse(text: str | None, option: str) -> tuple[date | None, int | None]:
    if text is None:
        return None, None
    try:
        return parse_day(text), None
    except ValueError as exc:
        return None, _refused(f"Ngày {option} không hợp lệ: dùng YYYY-MM-DD.", str(exc))


def _slip(args, config: Config, paths: Paths) -> int:
    from drivers.printers import PrintError, PrinterUriError
    from kiosk.dossiers.models import DossierError
    from kiosk.dossiers.slips import issue_slip, print_slip, write_slip_pdf
    from kiosk.dossiers.status import IllegalTransition
    from kiosk.printout.forms import printed_number
    from kiosk.station import open_receipt_printer

    new_date, failed = _day_or_refuse(args.new_date, "--new-date")
    if failed is not None:
        return failed
    clerk = _clerk(args, config)
    if not clerk:
        return _no_clerk()
    printer = None
    try:
        desk = _desk(config, paths, args)
        if args.pdf is None:
            # Open the printer first: a slip is not issued when it cannot be handed over.
            try:
                printer = open_receipt_printer(config, paths, args.printer)
            except PrinterUriError as exc:
                print(exc, file=sys.stderr)
                return EXIT_USAGE
        slip = issue_slip(desk, args.code, args.form, clerk=clerk, reason=args.reason,
                          new_date=new_date)
    except (DossierError, IllegalTransition) as exc:
        return _refused(exc.message_vi, exc.message_en)
    result = slip.as_json()
    book = _book_field(desk, slip.code)  # a counter PC of a LAN office: saved or pending
    if book is not None:
        result["book"] = book
    if args.pdf is not None:
        result["pdf"] = str(write_slip_pdf(desk, slip.uid, Path(args.pdf)))
    else:
        try:
            print_slip(desk, slip.uid, printer)
            result["printer"] = printer.uri
        except PrintError as exc:
            # The slip stays issued (it is the dossier's event); reprint from the PDF.
            print(f"Phiếu đã lập nhưng chưa in được / slip issued, not printed: "
                  f"{exc.message_en}", file=sys.stderr)
            result["printer"] = None
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        where = result.get("pdf") or result.get("printer") or "not printed"
        printed = printed_number(slip.form)
        named = printed if printed == slip.form else f"{printed} (--form {slip.form})"
        print(f"Mẫu {named} for {slip.code} issued ({where}).")
    return EXIT_FAILED if "printer" in result and result["printer"] is None else EXIT_OK


def _handover(args, config: Config, paths: Paths) -> int:
    from kiosk.dossiers.models import DossierError
    from kiosk.dossiers.slips import record_handover

    due, failed = _day_or_refuse(args.due, "--due")
    if failed is not None:
        return failed
    clerk = _clerk(args, config)
    if not clerk:
        return _no_clerk()
    try:
        desk = _desk(config, paths, args)
        handover = record_handover(desk, args.code, to_party=args.to_party,
                                   received_by=args.received_by, from_party=args.from_party,
                                   due=due, note=args.note, clerk=clerk)
    except DossierError as exc:
        return _refused(exc.message_vi, exc.message_en)
    if args.json:
        result = handover.as_json()
        book = _book_field(desk, handover.code)
        if book is not None:
            result["book"] = book
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{handover.code} handed to {handover.to_party}.")
    return EXIT_OK
