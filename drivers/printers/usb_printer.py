"""Printers driven directly over USB with libusb (pyusb), via python-escpos Usb.

python-escpos' Usb resets the device on every open (which can wipe a ticket still in the
printer's buffer), only detaches the kernel driver from interface 0, writes without a timeout by
default and assumes endpoints 0x82/0x01. This subclass claims the printer-class interface, reads
the endpoints from the descriptors unless the URI gives them, never resets, and times out.
"""

from __future__ import annotations

import contextlib
from typing import Any

import usb.core
import usb.util

from drivers.printers.base import Connection, Deadline, StreamPrinter
from drivers.printers.errors import (
    PrintError,
    interrupted_error,
    not_set_up_error,
    offline_error,
    root_cause,
    stalled_error,
)
from drivers.printers.escpos_job import escpos_module, escpos_profile
from drivers.printers.uri import UsbAddress

PRINTER_CLASS = 7
CHUNK_BYTES = 4096

_NO_BACKEND_FIX = (
    "pyusb found no libusb library. On Windows install libusb-1.0.dll next to the kiosk (and bind "
    "the printer to WinUSB with Zadig), or keep the vendor driver and use win32://PRINTER_NAME. "
    "On Linux install libusb-1.0-0."
)
_FIX = (
    "Check the cable and that the printer is on. On Linux give the kiosk user access with a "
    "udev rule (or use file:///dev/usb/lp0); on Windows the printer must use the WinUSB driver "
    "(Zadig), otherwise use win32://PRINTER_NAME."
)


def _is_no_backend(exc: BaseException) -> bool:
    return isinstance(exc, usb.core.NoBackendError)


def _printer_interface(configuration: Any, wanted: int | None) -> Any:
    """The interface to talk to: the one asked for, else the first printer-class interface."""
    interfaces = list(configuration)
    if wanted is not None:
        for interface in interfaces:
            if interface.bInterfaceNumber == wanted:
                return interface
        raise LookupError(f"the device has no interface {wanted}")
    for interface in interfaces:
        if interface.bInterfaceClass == PRINTER_CLASS:
            return interface
    if not interfaces:
        raise LookupError("the device has no interfaces")
    return interfaces[0]  # vendor-class printers (some Chinese models) expose one interface


def _bulk_endpoint(interface: Any, direction_in: bool) -> int | None:
    wanted = usb.util.ENDPOINT_IN if direction_in else usb.util.ENDPOINT_OUT
    for endpoint in interface:
        if (usb.util.endpoint_type(endpoint.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
                and usb.util.endpoint_direction(endpoint.bEndpointAddress) == wanted):
            return int(endpoint.bEndpointAddress)
    return None


class _Usb(escpos_module().Usb):  # type: ignore[misc]
    """python-escpos Usb without the reset, with interface and endpoint discovery."""

    def __init__(self, address: UsbAddress, timeout_ms: int, profile: Any) -> None:
        super().__init__(
            idVendor=address.vendor_id, idProduct=address.product_id, timeout=timeout_ms,
            in_ep=address.in_ep or 0x82, out_ep=address.out_ep or 0x01, profile=profile,
        )
        self.address = address
        self.interface_number = address.interface if address.interface is not None else 0

    def _check_driver(self) -> None:
        # Called by open() after find(): pick the interface first, then free it from the kernel
        # driver (usblp on Linux) if one holds it.
        device = self._device
        configuration = device.get_active_configuration() if self._configured() else device[0]
        interface = _printer_interface(configuration, self.address.interface)
        self.interface_number = interface.bInterfaceNumber
        if self.address.out_ep is None:
            self.out_ep = _bulk_endpoint(interface, direction_in=False) or self.out_ep
        if self.address.in_ep is None:
            self.in_ep = _bulk_endpoint(interface, direction_in=True) or 0
        with contextlib.suppress(NotImplementedError, usb.core.USBError):
            if device.is_kernel_driver_active(self.interface_number):
                device.detach_kernel_driver(self.interface_number)

    def _configured(self) -> bool:
        try:
            return self._device.get_active_configuration() is not None
        except usb.core.USBError:
            return False

    def _configure_usb(self) -> None:
        if not self._configured():
            self._device.set_configuration()
        usb.util.claim_interface(self._device, self.interface_number)

    def close(self) -> None:
        if not self._device:
            return
        with contextlib.suppress(Exception):
            usb.util.release_interface(self._device, self.interface_number)
        with contextlib.suppress(Exception):
            usb.util.dispose_resources(self._device)
        self._device = False


class _UsbConnection(Connection):
    def __init__(self, printer: _Usb) -> None:
        self._printer = printer
        self._device = printer.device

    def write(self, data: bytes, deadline: Deadline, stall_timeout_s: float) -> None:
        view = memoryview(data)
        for start in range(0, len(data), CHUNK_BYTES):
            timeout = deadline.cap(stall_timeout_s)
            if timeout <= 0:
                raise TimeoutError("job deadline passed")
            self._write(bytes(view[start:start + CHUNK_BYTES]), timeout)

    def _write(self, chunk: bytes, timeout_s: float) -> None:
        try:
            written = self._device.write(self._printer.out_ep, chunk, max(1, int(timeout_s * 1000)))
        except usb.core.USBTimeoutError as exc:
            raise TimeoutError("the printer stopped taking data") from exc
        if written != len(chunk):
            raise TimeoutError(f"the printer took {written} of {len(chunk)} bytes")

    def read_byte(self, timeout_s: float) -> int | None:
        if not self._printer.in_ep:
            return None  # write-only printer: no status
        try:
            data = self._device.read(self._printer.in_ep, 64, max(1, int(timeout_s * 1000)))
        except usb.core.USBTimeoutError:
            return None
        return int(data[0]) if len(data) else None

    def close(self) -> None:
        self._printer.close()

    def abort(self) -> None:
        # Every libusb call here has its own timeout, so nothing needs interrupting; disposing the
        # device from the watchdog thread under a running transfer could crash libusb. The job
        # thread closes the device itself when its call returns.
        return


class UsbPrinter(StreamPrinter):
    """A printer on usb://VID:PID; reads DLE EOT status when the printer answers."""

    can_read_status = True

    def __init__(
        self,
        uri: str,
        address: UsbAddress,
        width_dots: int,
        *,
        timeout_s: float,
        check_status: bool = True,
    ) -> None:
        super().__init__(uri, width_dots, timeout_s=timeout_s, check_status=check_status)
        self.address = address
        self.vendor_id = address.vendor_id
        self.product_id = address.product_id

    def _connect(self, deadline: Deadline) -> Connection:
        printer = _Usb(self.address, int(self.timeout_s * 1000), escpos_profile(self.width_dots))
        try:
            printer.open()
        except Exception as exc:
            printer.device = False
            if _is_no_backend(exc):
                raise not_set_up_error(self.uri, _NO_BACKEND_FIX) from exc
            detail = root_cause(exc)
            if isinstance(exc.__context__, AssertionError):  # python-escpos: find() gave None
                detail = (f"no USB device {self.vendor_id:04x}:{self.product_id:04x} is "
                          "connected")
            raise offline_error(self.uri, detail, _FIX) from exc
        return _UsbConnection(printer)

    def _translate(self, exc: BaseException, stage: str) -> PrintError:
        if isinstance(exc, TimeoutError):
            return stalled_error(self.uri, self.timeout_s)
        if stage == "status":
            return offline_error(self.uri, f"USB error during the status query ({exc})", _FIX)
        return interrupted_error(self.uri, str(exc) or type(exc).__name__)
