"""The set-up wizard's TLS for the office hub, without Qt.

- On the PC serving the hub (the hub PC, or a ticket kiosk that is the hub): the certificate
  pair it serves HTTPS/WSS with. The one it already has (the files [hub] tls_cert/tls_key
  name, else DATA/tls/hub.crt + hub.key) is kept: a new one would cut off every station
  trusting the old one. Otherwise `kiosk.tls.make_self_signed`
  makes DATA/tls/hub.crt + hub.key naming this PC's LAN addresses (`kiosk.tls.default_hosts`).
- On a client of an https:// hub: the hub's certificate the technician picked (hub.crt, often
  on a USB stick) is copied to DATA/tls/hub-ca.crt when the configuration is saved, and
  [hub] ca_file names the copy.
- `explain_hub_check`: the doctor's hub check (`kiosk.diagnostics.checks.check_hub`) in the
  wizard's Vietnamese, a fix under each failure, the technician's message kept as the detail.

`SetupAnswers` (kiosk/admin/setup.py) holds no TLS answers; the wizard keeps them in `HubTls`
and writes them into the base configuration the answers are applied to (`hub_values`).
"""

from __future__ import annotations

import shutil
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.config import Config
from kiosk.paths import Paths
from kiosk.tls import (
    CERT_NAME,
    CHECK_CLOCK,
    KEY_NAME,
    NOT_TLS,
    UNTRUSTED,
    WRONG_ADDRESS,
    ca_file_problem,
    cert_hosts,
    client_context,
    lan_addresses,
    make_self_signed,
    server_context,
)
from kiosk.ui.i18n import translate

TLS_DIR = "tls"
CA_COPY_NAME = "hub-ca.crt"
NO_ADDRESS = "ĐỊA-CHỈ-IP-CỦA-MÁY-NÀY"


@dataclass
class HubTls:
    """The wizard's TLS answers, beside `SetupAnswers`."""

    secure: bool = True  # the hub serves HTTPS/WSS
    cert: str = ""  # on the hub: the pair in use (found or made when leaving the hub step)
    key: str = ""
    ca_file: str = ""  # on a client of an https:// hub: the hub's certificate, as picked

    @classmethod
    def from_config(cls, config: Config, existing: bool) -> HubTls:
        """A new hub is secured; re-running the set-up on a hub keeps what it does (turning
        TLS on or off cuts off the stations until each is changed too)."""
        hub = config.hub
        secure = bool(hub.tls_cert) if existing and hub.role == "hub" else True
        return cls(secure, hub.tls_cert, hub.tls_key, hub.ca_file)


def tls_dir(paths: Paths) -> Path:
    return Path(paths.data_dir) / TLS_DIR


def ca_copy_path(paths: Paths) -> Path:
    return tls_dir(paths) / CA_COPY_NAME


def is_https(url: str) -> bool:
    return url.strip().lower().startswith("https://")


# -- the hub PC ---------------------------------------------------------------------------------


@dataclass
class CertPlan:
    """Where the hub's certificate is (or will be made), and what it names."""

    cert: Path
    key: Path
    make: bool  # not there yet: made when leaving the hub step
    hosts: list[str] = field(default_factory=list)  # names in it (or to be put in it)
    problem: str | None = None  # stops the wizard, with the fix
    warning: str | None = None  # worth telling, does not stop it


def _bare(host: str) -> str:
    return host.strip("[]").lower()


def plan_certificate(tls: HubTls, paths: Paths, hosts_now: list[str]) -> CertPlan:
    """The pair this hub keeps, or the one to make for `hosts_now` (this PC's names)."""
    pair = None
    if tls.cert and tls.key and Path(tls.cert).is_file() and Path(tls.key).is_file():
        pair = Path(tls.cert), Path(tls.key)
    folder = tls_dir(paths)
    cert, key = folder / CERT_NAME, folder / KEY_NAME
    if pair is None and cert.is_file() and key.is_file():
        pair = cert, key
    if pair is None:
        half = [p for p in (cert, key) if p.exists()]
        problem = None
        if half:
            other = KEY_NAME if half[0].name == CERT_NAME else CERT_NAME
            problem = (translate("hubtls", "Thư mục {folder} có {name} nhưng thiếu {other}. "
                                           "Cách sửa: chép lại đủ cả hai tệp vào thư mục đó, "
                                           "hoặc xóa {name} để máy tạo cặp mới (rồi chép "
                                           "hub.crt mới sang mọi máy khác).").format(
                    folder=folder,
                    name=half[0].name,
                    other=other))
        return CertPlan(cert, key, True, list(hosts_now), problem)
    plan = CertPlan(pair[0], pair[1], False)
    try:
        plan.hosts = cert_hosts(pair[0])
    except (OSError, ValueError) as exc:
        plan.problem = (translate("hubtls", "Tệp {value} không phải chứng chỉ dùng được "
                                            "({exc}). Cách sửa: xóa {name} và {name2} để máy "
                                            "tạo cặp mới (rồi chép hub.crt mới sang mọi máy "
                                            "khác).").format(
                value=pair[0],
                exc=exc,
                name=pair[0].name,
                name2=pair[1].name))
        return plan
    named = {_bare(h) for h in plan.hosts}
    missing = [ip for ip in lan_addresses(hosts_now) if _bare(ip) not in named]
    if missing:
        plan.warning = (translate("hubtls", "Chứng chỉ có sẵn không ghi địa chỉ {value} của "
                                            "máy này: máy nào dùng địa chỉ đó sẽ bị từ chối. "
                                            "Dùng một địa chỉ ở trên; nếu máy đã đổi IP, tạo "
                                            "chứng chỉ mới (kiosk hub make-cert --force --out "
                                            "{parent}) rồi chép hub.crt mới sang mọi máy "
                                            "khác.").format(
                value=', '.join(missing),
                parent=pair[0].parent))
    return plan


def hub_urls(plan: CertPlan | None, hosts_now: list[str], port: int) -> list[str]:
    """The addresses the other stations put in [hub] url: https:// with an address the
    certificate names, else http:// with this PC's LAN addresses."""
    if plan is None:
        return [f"http://{ip}:{port}" for ip in (lan_addresses(hosts_now) or [NO_ADDRESS])]
    ips = lan_addresses(plan.hosts)
    if not ips:  # no LAN address in it: a name, if any
        ips = [h for h in plan.hosts if h.lower() != "localhost"
               and not _bare(h).startswith("127.")]
    return [f"https://{h}:{port}" for h in ips or [NO_ADDRESS]]


def make_or_check(plan: CertPlan) -> str | None:
    """Make the planned pair, or check that the existing one loads. The problem, or None."""
    if plan.problem:
        return plan.problem
    if plan.make:
        try:
            cert, key = make_self_signed(plan.cert.parent, plan.hosts)
        except ImportError:
            return (translate("hubtls", "Không tạo được chứng chỉ: thiếu thư viện "
                                        "cryptography. Cách sửa: cài lại chương trình, hoặc bỏ "
                                        "chọn Bảo mật kết nối."))
        except (ValueError, OSError) as exc:
            return (translate("hubtls", "Không tạo được chứng chỉ trong {parent} ({exc}). Cách "
                                        "sửa: kiểm tra ổ đĩa còn chỗ và tài khoản chạy chương "
                                        "trình ghi được thư mục đó.").format(
                    parent=plan.cert.parent,
                    exc=exc))
        plan.cert, plan.key, plan.make = cert, key, False
        return None
    try:
        server_context(str(plan.cert), str(plan.key))
    except (OSError, ssl.SSLError) as exc:
        return (translate("hubtls", "Chứng chỉ {cert} không đi cùng khóa {key} ({exc}). Cách "
                                    "sửa: chép lại đúng cặp tệp, hoặc xóa cả hai để máy tạo "
                                    "cặp mới (rồi chép hub.crt mới sang mọi máy khác).").format(
                cert=plan.cert,
                key=plan.key,
                exc=exc))
    return None


# -- a client of an https:// hub ------------------------------------------------------------


def ca_problem(ca_file: str, url: str) -> str | None:
    """Why the picked certificate cannot be trusted for `url`, in Vietnamese with the fix
    (the technician's message from kiosk.tls in brackets), or None."""
    if not ca_file:
        return (translate("hubtls", "Địa chỉ https:// cần chứng chỉ của hub: chép tệp hub.crt "
                                    "từ máy hub sang máy này (ví dụ bằng USB) rồi bấm Chọn tệp…"))
    missing = ca_file_problem(ca_file)
    if missing:
        return (translate("hubtls", "Không thấy tệp {ca_file}. Cách sửa: chép hub.crt từ máy "
                                    "hub sang máy này rồi chọn lại. ({missing})").format(
                ca_file=ca_file,
                missing=missing))
    path = Path(ca_file)
    try:
        head = path.read_bytes()[:65536]
    except OSError as exc:
        return translate("hubtls", "Không đọc được tệp {ca_file} ({exc}). Cách sửa: chép lại "
                                   "tệp rồi chọn lại.").format(ca_file=ca_file, exc=exc)
    if b"PRIVATE KEY" in head:
        return (translate("hubtls", "{name} là khóa riêng của hub, không phải chứng chỉ. Cách "
                                    "sửa: chọn hub.crt; tệp hub.key chỉ để trên máy hub, xóa "
                                    "bản đã chép ra.").format(name=path.name))
    try:
        client_context(ca_file)
    except (OSError, ssl.SSLError):
        return (translate("hubtls", "Tệp {name} không phải chứng chỉ. Cách sửa: chọn tệp "
                                    "hub.crt chép từ máy hub.").format(name=path.name))
    names = names_lacking(ca_file, urlsplit(url).hostname or "")
    if names is not None:
        return (translate("hubtls", "Chứng chỉ đã chọn không ghi địa chỉ {hostname}: hub sẽ bị "
                                    "từ chối. Cách sửa: dùng địa chỉ hub ghi trong chứng chỉ "
                                    "({value}), như bước Hub trên máy hub hiện.").format(
                hostname=urlsplit(url).hostname,
                value=', '.join(names)))
    return None


def names_lacking(ca_file: str, host: str) -> list[str] | None:
    """The names a hub's own self-signed certificate gives when `host` is not among them,
    else None (also for a certificate authority's, which names no hub, or one that cannot
    be read here: the connection test then has the last word)."""
    try:
        from cryptography import x509

        cert = x509.load_pem_x509_certificate(Path(ca_file).read_bytes())
        if cert.issuer != cert.subject:
            return None
        try:
            if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
                return None
        except x509.ExtensionNotFound:
            pass
        names = cert_hosts(ca_file)
    except (ImportError, OSError, ValueError):
        return None
    if not names or _bare(host) in {_bare(n) for n in names}:
        return None
    return names


def copy_ca_file(ca_file: str, paths: Paths) -> Path:
    """Copy the picked certificate into this station's data folder (the USB stick it came on
    may go); the copy's path, for [hub] ca_file. Raises OSError."""
    target = ca_copy_path(paths)
    source = Path(ca_file)
    if source.resolve() != target.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target


# -- the configuration ----------------------------------------------------------------------


def hub_values(hub_role: str, hub_url: str, tls: HubTls, paths: Paths) -> dict[str, str]:
    """The [hub] TLS keys the set-up writes for this [hub] role: the pair on the hub (the hub
    PC or a kiosk serving the hub; empty: plain HTTP), the copy of the hub's certificate on a
    client of an https:// hub. Other stations keep what they had."""
    if hub_role == "hub":
        if tls.secure:
            return {"tls_cert": tls.cert, "tls_key": tls.key}
        return {"tls_cert": "", "tls_key": ""}
    if hub_url and is_https(hub_url):
        return {"ca_file": str(ca_copy_path(paths)) if tls.ca_file else ""}
    return {}


# -- the connection test ----------------------------------------------------------------------


def explain_hub_check(results: list, url: str, ca_file: str) -> tuple[bool, str]:
    """`check_hub`'s results as the wizard shows them: (all passed, lines)."""
    lines: list[str] = []
    parts = urlsplit(url)
    for r in results:
        if r.name == "hub":
            if r.ok:
                lines.append(translate("hubtls", "✓ Kết nối được hub")
                             + (translate("hubtls", " qua HTTPS, chứng chỉ hợp lệ.")
                                                     if is_https(url) else "."))
                continue
            lines.append(_hub_failure(r.detail, parts.hostname or url, parts.port, url,
                                      ca_file))
            lines.append(translate("hubtls", "Chi tiết: {detail}").format(detail=r.detail))
        elif r.name == "hub office key":
            if r.ok and not r.warning:
                lines.append(translate("hubtls", "✓ Hub nhận mã khóa của điểm."))
            elif r.ok:
                lines.append(translate("hubtls", "! Hub trả lời lạ khi kiểm tra mã khóa. → Bấm "
                                                 "Kiểm tra kết nối lần nữa."))
            else:
                lines.append(translate("hubtls", "✗ Hub từ chối mã khóa của điểm. → Nhập mã "
                                                 "khóa giống hệt trên máy hub."))
    return all(r.ok for r in results), "\n".join(lines)


def _hub_failure(detail: str, host: str, port: int | None, url: str, ca_file: str) -> str:
    if ca_file and detail == ca_file_problem(ca_file):
        return (translate("hubtls", "✗ Không thấy tệp chứng chỉ đã chọn. → Chép hub.crt từ máy "
                                    "hub sang máy này rồi bấm Chọn tệp…"))
    if UNTRUSTED in detail:
        if CHECK_CLOCK in detail:
            return (translate("hubtls", "✗ Chứng chỉ của hub đã hết hạn, hoặc ngày giờ của máy "
                                        "sai. → Sửa ngày giờ của máy này và máy hub; nếu chứng "
                                        "chỉ đã hết hạn, tạo chứng chỉ mới trên máy hub rồi "
                                        "chép hub.crt mới sang mọi máy."))
        if WRONG_ADDRESS in detail:
            return (translate("hubtls", "✗ Chứng chỉ của hub không ghi địa chỉ {host}. → Nhập "
                                        "đúng địa chỉ https:// mà bước Hub trên máy hub "
                                        "hiện.").format(
                    host=host))
        if not ca_file:
            return (translate("hubtls", "✗ Máy này chưa tin chứng chỉ của hub. → Chép hub.crt "
                                        "từ máy hub sang máy này rồi bấm Chọn tệp…"))
        return (translate("hubtls", "✗ Máy này không tin chứng chỉ của hub: tệp đã chọn không "
                                    "phải chứng chỉ của hub này (hub đã tạo chứng chỉ mới, "
                                    "hoặc tệp của điểm khác). → Chép lại hub.crt từ chính máy "
                                    "hub (thư mục dữ liệu, tls/hub.crt) rồi chọn lại."))
    if NOT_TLS in detail:
        return (translate("hubtls", "✗ Hub không dùng HTTPS. → Trên máy hub chưa bật Bảo mật "
                                    "kết nối: dùng địa chỉ http://, hoặc bật bảo mật trên máy "
                                    "hub rồi chép hub.crt sang máy này."))
    if "answered HTTP" in detail:
        return (translate("hubtls", "✗ Địa chỉ này không phải hub của điểm. → Kiểm tra địa chỉ "
                                    "và cổng (bước Hub trên máy hub hiện chúng)."))
    fix = (translate("hubtls", "✗ Không kết nối được hub. → Kiểm tra máy hub đã bật và đang "
                               "chạy chương trình, hai máy cùng mạng, tường lửa của máy hub "
                               "cho cổng {value} đi qua.").format(
        value=port or translate("hubtls", "của hub")))
    if not is_https(url):
        fix += translate("hubtls", " Nếu hub đã bật bảo mật, địa chỉ phải bắt đầu bằng https://.")
    return fix
