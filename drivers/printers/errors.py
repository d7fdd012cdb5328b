"""Exceptions raised by the printer drivers, with a message for the citizen, one for the clerk
and one for the fixer.

A failed ticket is seen by a citizen at the kiosk (Vietnamese, no jargon, tell them whom to ask);
a failed receipt or slip by the clerk at the counter (Vietnamese, what is wrong with the printer
and what to check: `message_clerk`); and later by a technician reading the log (English, what
broke and what to do about it).
"""

from __future__ import annotations

from drivers.printers.status import PrinterStatus

#: Shown on the kiosk screen; kept short and free of technical words.
VI_OFFLINE = "Không kết nối được máy in. Vui lòng báo cán bộ tại quầy."
VI_PAPER_OUT = "Máy in hết giấy. Vui lòng báo cán bộ tại quầy để thay giấy."
VI_PRINTER_FAULT = "Máy in đang báo lỗi (có thể nắp máy đang mở). Vui lòng báo cán bộ tại quầy."
VI_NOT_RESPONDING = "Máy in không phản hồi. Vui lòng báo cán bộ tại quầy."
VI_INTERRUPTED = "Mất kết nối với máy in khi đang in. Vui lòng báo cán bộ tại quầy."
VI_NOT_SET_UP = "Máy in chưa được cài đặt đúng. Vui lòng báo cán bộ kỹ thuật."
VI_BUSY = "Máy in đang bận với phiếu trước. Vui lòng báo cán bộ tại quầy."
VI_PREVIEW_FAILED = "Không lưu được bản xem trước phiếu. Vui lòng báo cán bộ kỹ thuật."

#: The same failures worded for the clerk at the counter, who prints receipts and slips on the
#: printer beside them: what is wrong, what to check, then print again.
CLERK_WORDS = {
    VI_OFFLINE: "Không kết nối được máy in: kiểm tra máy in đã bật và cáp (USB hoặc mạng) đã "
                "cắm chắc, rồi in lại.",
    VI_PAPER_OUT: "Máy in hết giấy: lắp cuộn giấy mới, đóng nắp máy, rồi in lại.",
    VI_PRINTER_FAULT: "Máy in đang báo lỗi: kiểm tra nắp máy đã đóng và giấy không bị kẹt; nếu "
                      "vẫn lỗi, tắt máy in rồi bật lại, rồi in lại.",
    VI_NOT_RESPONDING: "Máy in không phản hồi (có thể kẹt giấy, hết giấy hoặc đang tắt): kiểm "
                       "tra máy in, tắt rồi bật lại, rồi in lại; phiếu có thể đã in ra một "
                       "phần.",
    VI_INTERRUPTED: "Mất kết nối với máy in khi đang in: kiểm tra cáp hoặc mạng và máy in, rồi "
                    "in lại; phiếu có thể đã in ra một phần.",
    VI_NOT_SET_UP: "Máy in chưa được cài đặt đúng trên máy này: báo cán bộ kỹ thuật kiểm tra "
                   "cấu hình máy in.",
    VI_BUSY: "Máy in còn đang kẹt ở phiếu trước: kiểm tra giấy và máy in, tắt rồi bật lại, rồi "
             "in lại.",
    VI_PREVIEW_FAILED: "Không lưu được bản xem trước phiếu: kiểm tra ổ đĩa còn chỗ và thư mục "
                       "xem trước ghi được, hoặc báo cán bộ kỹ thuật.",
}


class PrinterUriError(ValueError):
    """The printer URI in the configuration cannot be understood."""


class PrintError(Exception):
    """A print job failed; nothing (or only part of a ticket) came out.

    `message_vi` is for the citizen at the kiosk, `message_clerk` for the clerk at the counter
    (what is wrong, what to check; CLERK_WORDS unless given), `message_en` for the technician
    and names the printer, the cause in plain words and a fix. `status` is what the failure
    says about the printer (e.g. PAPER_OUT), or None when it says nothing definite.
    """

    def __init__(
        self, message_vi: str, message_en: str, *, status: PrinterStatus | None = None,
        message_clerk: str | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en
        self.message_clerk = message_clerk or CLERK_WORDS.get(message_vi, message_vi)
        self.status = status

    def __str__(self) -> str:
        return self.message_en


def root_cause(exc: BaseException) -> str:
    """Text of the innermost exception: python-escpos wraps OS errors in DeviceNotFoundError
    with a multi-line message that would only add noise to the technician's log line."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    return " ".join(str(exc).split()) or type(exc).__name__


def offline_error(uri: str, detail: str, fix: str) -> PrintError:
    return PrintError(
        VI_OFFLINE,
        f"Cannot connect to the printer {uri}: {detail}. {fix}",
        status=PrinterStatus.OFFLINE,
    )


def status_refusal(uri: str, status: PrinterStatus) -> PrintError:
    """Error for a printer that answered a status query with a state it cannot print in."""
    if status is PrinterStatus.PAPER_OUT:
        return PrintError(
            VI_PAPER_OUT,
            f"The printer {uri} reports it is out of paper. Load a new roll and close the cover.",
            status=status,
        )
    return PrintError(
        VI_PRINTER_FAULT,
        f"The printer {uri} reports it is offline (cover open, paper jam, cutter or head error). "
        "Close the cover, clear any jam, then switch the printer off and on.",
        status=status,
    )


def stalled_error(uri: str, seconds: float, what: str = "stopped accepting data") -> PrintError:
    return PrintError(
        VI_NOT_RESPONDING,
        f"The printer {uri} {what} for {seconds:.1f} s, so the job was abandoned; part of the "
        "ticket may have printed. It may be jammed, out of paper or switched off, or the link "
        "dropped. Check the printer, switch it off and on, then print again.",
    )


def interrupted_error(uri: str, detail: str) -> PrintError:
    return PrintError(
        VI_INTERRUPTED,
        f"The connection to the printer {uri} broke during the job ({detail}); part of the "
        "ticket may have printed. Check the cable or network and the printer, then print again.",
        status=PrinterStatus.OFFLINE,
    )


def not_set_up_error(uri: str, detail: str) -> PrintError:
    return PrintError(VI_NOT_SET_UP, f"The printer {uri} cannot be used here: {detail}")


#: Windows print queues (win32://): the queue, not the printer, is what stops the ticket.
VI_QUEUE_PAUSED = "Máy in đang bị tạm dừng trên máy tính. Vui lòng báo cán bộ tại quầy."
VI_QUEUE_OFFLINE = ("Máy in đang ở chế độ ngoại tuyến trên máy tính. Vui lòng báo cán bộ tại "
                    "quầy.")
CLERK_WORDS[VI_QUEUE_PAUSED] = (
    "Hàng đợi in của Windows đang tạm dừng: mở Cài đặt > Máy in và máy quét > máy in phiếu > "
    "Mở hàng đợi in, bỏ chọn \"Tạm dừng in\", rồi in lại.")
CLERK_WORDS[VI_QUEUE_OFFLINE] = (
    "Windows đang để máy in ở chế độ ngoại tuyến: mở hàng đợi in của máy in phiếu, bỏ chọn "
    "\"Sử dụng máy in ngoại tuyến\", rồi in lại.")


def queue_paused_error(uri: str, queue: str) -> PrintError:
    return PrintError(
        VI_QUEUE_PAUSED,
        f"The Windows print queue '{queue}' of {uri} is paused: a ticket would wait in the queue "
        "and come out later for nobody. Settings > Bluetooth & devices > Printers & scanners > "
        f"{queue} > Open print queue, then untick Printer > Pause Printing.",
        status=PrinterStatus.OFFLINE,
    )


def queue_work_offline_error(uri: str, queue: str) -> PrintError:
    return PrintError(
        VI_QUEUE_OFFLINE,
        f"The Windows print queue '{queue}' of {uri} is set to 'Use Printer Offline': jobs are "
        f"kept, not printed. Settings > Bluetooth & devices > Printers & scanners > {queue} > "
        "Open print queue, then untick Printer > Use Printer Offline.",
        status=PrinterStatus.OFFLINE,
    )


def queue_printer_offline_error(uri: str, queue: str) -> PrintError:
    return PrintError(
        VI_OFFLINE,
        f"Windows reports the printer of the queue '{queue}' ({uri}) offline: switched off, "
        "unplugged or its port gone. Switch it on and check the cable; the queue resumes by "
        "itself. If it stays offline, the queue may point at an old port (printer properties > "
        "Ports).",
        status=PrinterStatus.OFFLINE,
    )
