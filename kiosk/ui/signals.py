"""Emitting Qt signals from Python without wearing out `True`.

PySide6 6.12.0 returns the result of `SignalInstance.emit()` (and `.disconnect()`), a bool,
without taking a reference to it. On Python 3.11, where True and False are ordinary
reference-counted objects, every emit therefore takes one reference away from `True`; after some
ten thousand emits (a few hours of a kiosk refreshing its counters) its count reaches zero and
the interpreter aborts with "Fatal Python error: bool_dealloc". PySide6 6.11 does not do this,
and from Python 3.12 on the bools are immortal, so there it is harmless.

`emit(signal, *args)` emits and gives the missing reference back, but only when a probe at
import time shows the bug, so it does nothing on fixed or unaffected versions. All of the ticket
screen's emits go through it.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_PROBES = 8


def _restore(value: bool, count: int = 1) -> None:
    for _ in range(count):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))


def _emit_loses_a_reference() -> bool:
    if sys.version_info >= (3, 12):
        return False  # immortal bools: nothing to lose

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = {True: sys.getrefcount(True), False: sys.getrefcount(False)}
    for _ in range(_PROBES):
        probe.ping.emit()
    lost = {b: before[b] - sys.getrefcount(b) for b in (True, False)}
    leaky = any(n >= _PROBES for n in lost.values())
    if leaky:
        for value, count in lost.items():
            _restore(value, max(0, count))
    return leaky


EMIT_LOSES_A_REFERENCE = _emit_loses_a_reference()


def emit(signal, *args) -> None:
    """`signal.emit(*args)`, safe on PySide6 versions that mis-count the returned bool."""
    result = signal.emit(*args)
    if EMIT_LOSES_A_REFERENCE and isinstance(result, bool):
        _restore(result)
