"""The customer's slip on an ESC/POS receipt printer (python-escpos): the shop, the member, this receipt's
points or the voucher (its code as a Code128 barcode), the balance and the points that expire next, then a
cut. python-escpos picks the code page of each character (umlauts, the euro sign) as the printer needs it.

Printers are named by a URI: `usb:VID:PID` (hex, as `lsusb` shows them), `tcp://HOST[:PORT]` (a network
printer, port 9100 by default), or a device or file path (`/dev/usb/lp0`, `file:slip.bin`).
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from loyaltycli import i18n
from loyaltycli.errors import BadInputError
from loyaltycli.i18n import _


def no_printer() -> str:
    """How to set a slip printer up (the command's and the counter's words)."""
    return _(
        "No slip printer is set up: give --printer usb:VID:PID, tcp://HOST[:PORT] or a device path "
        "(/dev/usb/lp0), or set LOYALTY_PRINTER to one of them."
    )


def printer_for(uri: str) -> Any:
    """The python-escpos printer a URI names."""
    from escpos import printer

    if uri.startswith("usb:"):
        try:
            vendor, product = (int(part, 16) for part in uri[4:].split(":"))
        except ValueError:
            raise BadInputError(
                _("--printer {uri}: write a USB printer as usb:VID:PID (hex).").format(uri=uri)
            ) from None
        return printer.Usb(vendor, product)
    if uri.startswith("tcp://"):
        host, _sep, port = uri[6:].partition(":")
        return printer.Network(host, int(port) if port.isdigit() else 9100)
    return printer.File(uri.removeprefix("file:"))


def print_slip(slip: Any, device: Any) -> None:
    """Write the slip to `device` (a python-escpos printer; the `Dummy` one in tests)."""
    device.set(align="center", bold=True, double_height=True)
    device.text(f"{slip.shop}\n")
    device.set(align="left", bold=False, normal_textsize=True)
    device.text(f"{slip.name} ({slip.member})\n{i18n.day(slip.day)}\n\n")
    if slip.receipt is not None:
        device.text(
            _("Receipt {receipt}: {amount}").format(receipt=slip.receipt, amount=_money(slip.total, slip.currency))
            + "\n"
        )
        device.text(_("Points for this receipt: {points}").format(points=i18n.number(slip.points or 0)) + "\n")
    if slip.voucher is not None:
        device.text(_("Voucher: {reward}").format(reward=slip.reward) + "\n")
        device.text(_("Valid until {day}").format(day=i18n.day(slip.valid_until)) + "\n")
        device.set(align="center")
        with contextlib.redirect_stdout(io.StringIO()):  # python-escpos says on stdout which renderer it used
            device.barcode("{B" + slip.voucher, "CODE128", function_type="B", pos="BELOW")
        device.set(align="left")
    device.text("\n" + _("Points available: {points}").format(points=i18n.number(slip.balance)) + "\n")
    for day, points in slip.expiring:
        device.text(_("{points} valid until {day}").format(points=i18n.points(points), day=i18n.day(day)) + "\n")
    device.text("\n")
    device.cut()


def send_slip(slip: Any, uri: str) -> int:
    """Render the slip and send it to the printer `uri` names; the bytes sent. A printer that cannot be reached
    is bad input (its URI), said in a sentence."""
    from escpos.printer import Dummy

    rendered = Dummy()
    print_slip(slip, rendered)
    data: bytes = rendered.output
    try:
        device = printer_for(uri)
        device._raw(data)
        device.close()
    except BadInputError:
        raise
    except Exception as exc:  # the printer's own errors: no such USB device, network unreachable, path not writable
        raise BadInputError(
            _("--printer {uri}: the slip could not be printed ({exc}).").format(uri=uri, exc=exc)
        ) from None
    return len(data)


def _money(cents_text: str | None, currency: str) -> str:
    return i18n.money(cents_text or "0", currency)
