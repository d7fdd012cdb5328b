"""`kiosk doctor` on a Windows hub PC: the inbound firewall rule (netsh's output) and the data
folder's permissions (icacls' output), from output captured on Windows 10/11 (English). The
commands themselves exist only on Windows: the checks get the captured text in their place,
with sys.platform set to win32; the parsers and verdicts are the program's own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.diagnostics.checks import FAIL, PASS, SKIP, WARN, Context
from kiosk.diagnostics.windows_station import (
    FIREWALL_RULE,
    acl_verdict,
    blocking_rules,
    check_data_acl,
    check_firewall,
    firewall_verdict,
    netsh_inbound_command,
    netsh_rule_command,
    parse_icacls,
    parse_netsh_rules,
)
from kiosk.paths import Paths

ROOT = Path(__file__).resolve().parents[2]

RULE_GUI = r"""
Rule Name:                            hcc-kiosk hub
----------------------------------------------------------------------
Description:                          Stations reach the office hub (hcc-kiosk)
Enabled:                              Yes
Direction:                            In
Profiles:                             Domain,Private,Public
Grouping:<29 spaces>
LocalIP:                              Any
RemoteIP:                             LocalSubnet
Protocol:                             TCP
LocalPort:                            8090
RemotePort:                           Any
Edge traversal:                       No
Program:                              C:\Program Files\hcc-kiosk\kiosk-gui.exe
InterfaceTypes:                       Any
Security:                             NotRequired
Rule source:                          Local Setting
Action:                               Allow
"""
RULE_GUI = RULE_GUI.replace("<29 spaces>", " " * 29)  # netsh pads an empty value too
RULE_CLI = RULE_GUI.replace("kiosk-gui.exe", "kiosk.exe")
NETSH_OK = RULE_GUI + RULE_CLI + "Ok.\n\n"
NETSH_NONE = "No rules match the specified criteria.\n\n"
NETSH_PRIVATE_ONLY = RULE_GUI.replace("Domain,Private,Public", "Private") + "Ok.\n\n"
NETSH_DISABLED_OTHER_PORT = (RULE_GUI.replace("Enabled:                              Yes",
                                              "Enabled:                              No")
                             .replace("8090", "8080") + "Ok.\n\n")
# What a dismissed or cancelled first-start prompt of Windows Defender Firewall leaves: a Block
# rule per protocol, named after the program, for the profile of the network it was on (shaped
# like netsh's verbose English output above; the path as the prompt stored it, lower case).
BLOCK_TCP = (RULE_GUI.replace("Rule Name:                            hcc-kiosk hub",
                              "Rule Name:                            kiosk-gui.exe")
             .replace("Domain,Private,Public", "Public")
             .replace("RemoteIP:                             LocalSubnet",
                      "RemoteIP:                             Any")
             .replace("LocalPort:                            8090",
                      "LocalPort:                            Any")
             .replace(r"C:\Program Files\hcc-kiosk\kiosk-gui.exe",
                      r"c:\program files\hcc-kiosk\kiosk-gui.exe")
             .replace("Action:                               Allow",
                      "Action:                               Block"))
BLOCK_UDP = BLOCK_TCP.replace("Protocol:                             TCP",
                              "Protocol:                             UDP")
INBOUND_WITH_BLOCKS = RULE_GUI + RULE_CLI + BLOCK_TCP + BLOCK_UDP + "Ok.\n\n"
NETSH_GERMAN = ("\nRegelname:                            hcc-kiosk hub\n"
                "----------------------------------------------------------------------\n"
                "Aktiviert:                            Ja\nOK.\n")

DATA = r"C:\ProgramData\hcc-kiosk"
ICACLS_LOCKED = (DATA + r""" NT AUTHORITY\SYSTEM:(OI)(CI)(F)
                         BUILTIN\Administrators:(OI)(CI)(F)
                         KIOSK-PC\kiosk:(OI)(CI)(F)

Successfully processed 1 files; Failed processing 0 files
""")
# A folder made in C:\ProgramData and left alone: every user of the PC may read it and add files.
ICACLS_DEFAULT = (DATA + r""" NT AUTHORITY\SYSTEM:(I)(OI)(CI)(F)
                         BUILTIN\Administrators:(I)(OI)(CI)(F)
                         CREATOR OWNER:(I)(OI)(CI)(IO)(F)
                         BUILTIN\Users:(I)(OI)(CI)(RX)
                         BUILTIN\Users:(I)(CI)(WD,AD,WEA,WA)

Successfully processed 1 files; Failed processing 0 files
""")
ICACLS_INHERITED_ONLY_ADMINS = (DATA + r""" NT AUTHORITY\SYSTEM:(I)(OI)(CI)(F)
                         BUILTIN\Administrators:(I)(OI)(CI)(F)

Successfully processed 1 files; Failed processing 0 files
""")
ICACLS_TWO_ACCOUNTS = ICACLS_LOCKED.replace(
    r"KIOSK-PC\kiosk:(OI)(CI)(F)",
    "KIOSK-PC\\kiosk:(OI)(CI)(F)\n                         KIOSK-PC\\tech:(OI)(CI)(M)")
ICACLS_EVERYONE_DENIED = ICACLS_LOCKED.replace(
    r"KIOSK-PC\kiosk:(OI)(CI)(F)",
    "KIOSK-PC\\kiosk:(OI)(CI)(F)\n                         Everyone:(OI)(CI)(DENY)(W)")
ICACLS_EVERYONE_SID = ICACLS_LOCKED.replace(r"KIOSK-PC\kiosk", "S-1-1-0")
ICACLS_MISSING = f"{DATA}: The system cannot find the file specified.\n" \
                 "Successfully processed 0 files; Failed processing 1 files\n"


# -- the parsers -------------------------------------------------------------------------------

def test_netsh_rules_are_read():
    rules = parse_netsh_rules(NETSH_OK)
    assert [r["program"] for r in rules] == [r"C:\Program Files\hcc-kiosk\kiosk-gui.exe",
                                            r"C:\Program Files\hcc-kiosk\kiosk.exe"]
    assert rules[0]["localport"] == "8090" and rules[0]["grouping"] == ""
    assert rules[0]["profiles"] == "Domain,Private,Public" and rules[0]["action"] == "Allow"
    assert parse_netsh_rules(NETSH_NONE) == []
    assert parse_netsh_rules(NETSH_GERMAN) is None
    assert parse_netsh_rules("") is None
    assert netsh_rule_command() == ["netsh", "advfirewall", "firewall", "show", "rule",
                                    f"name={FIREWALL_RULE}", "verbose"]


def test_block_rules_that_shut_the_hub_out_are_found():
    ours = [r"C:\Program Files\hcc-kiosk\kiosk-gui.exe", r"C:\Program Files\hcc-kiosk\kiosk.exe"]
    rules = parse_netsh_rules(INBOUND_WITH_BLOCKS)
    [block] = blocking_rules(rules, 8090, ours)  # the TCP one; UDP does not reach the hub
    assert block["rule name"] == "kiosk-gui.exe" and block["profiles"] == "Public"
    assert blocking_rules(rules, 8090, [r"D:\other\app.exe"]) == []
    assert blocking_rules(parse_netsh_rules(NETSH_OK), 8090, ours) == []
    # a Block rule for any program on the hub's port counts; one for a service does not
    anyone = BLOCK_TCP.replace(r"c:\program files\hcc-kiosk\kiosk-gui.exe", "Any")
    assert len(blocking_rules(parse_netsh_rules(anyone + "Ok.\n"), 8090, ours)) == 1
    service = anyone.replace("Action:", "Service:                              LanmanServer\n"
                             "Action:")
    assert blocking_rules(parse_netsh_rules(service + "Ok.\n"), 8090, ours) == []
    disabled = BLOCK_TCP.replace("Enabled:                              Yes",
                                 "Enabled:                              No")
    assert blocking_rules(parse_netsh_rules(disabled + "Ok.\n"), 8090, ours) == []
    assert netsh_inbound_command() == ["netsh", "advfirewall", "firewall", "show", "rule",
                                       "name=all", "dir=in", "verbose"]


@pytest.mark.parametrize("text, port, program, verdict, words", [
    (NETSH_OK, 8090, None, "pass", "inbound TCP 8090 allowed on all profiles"),
    (NETSH_OK, 8090, r"C:\Program Files\hcc-kiosk\kiosk-gui.exe", "pass", "kiosk-gui.exe"),
    (NETSH_OK, 8090, r"D:\old\kiosk-gui.exe", "warn", r"not for this program (D:\old"),
    (NETSH_OK, 9000, None, "fail", "port 8090, not 9000"),
    (NETSH_NONE, 8090, None, "fail", "no rule named 'hcc-kiosk hub'"),
    (NETSH_PRIVATE_ONLY, 8090, None, "fail", "profiles Private only"),
    (NETSH_DISABLED_OTHER_PORT, 8090, None, "fail", "disabled, port 8080, not 8090"),
    (RULE_GUI.replace(": 8090", ": 8000-8100") + "Ok.\n", 8090, None, "pass", "allowed"),
])
def test_the_firewall_verdict(text, port, program, verdict, words):
    got, detail = firewall_verdict(parse_netsh_rules(text), port, program)
    assert got == verdict and words in detail, detail


def test_icacls_entries_are_read():
    entries = parse_icacls(ICACLS_DEFAULT, DATA)
    assert [e.principal for e in entries] == [
        r"NT AUTHORITY\SYSTEM", r"BUILTIN\Administrators", "CREATOR OWNER", r"BUILTIN\Users",
        r"BUILTIN\Users"]
    assert entries[3].rights == ("I", "OI", "CI", "RX") and entries[3].inherited
    assert entries[4].rights == ("I", "CI", "WD,AD,WEA,WA")
    assert not parse_icacls(ICACLS_LOCKED, DATA)[2].inherited
    assert parse_icacls(ICACLS_MISSING, DATA) is None
    spaced = r"C:\hcc kiosk data"
    assert parse_icacls(ICACLS_LOCKED.replace(DATA, spaced), spaced)[0].principal == \
        r"NT AUTHORITY\SYSTEM"


@pytest.mark.parametrize("text, verdict, words", [
    (ICACLS_LOCKED, "pass", r"only SYSTEM, Administrators, KIOSK-PC\kiosk; not inherited"),
    (ICACLS_DEFAULT, "fail", r"open to BUILTIN\Users"),
    (ICACLS_INHERITED_ONLY_ADMINS, "fail", "inherits permissions from its parent folder"),
    (ICACLS_TWO_ACCOUNTS, "warn", r"2 accounts have access: KIOSK-PC\kiosk, KIOSK-PC\tech"),
    (ICACLS_EVERYONE_DENIED, "pass", "only SYSTEM"),   # a deny entry lets nobody in
    (ICACLS_EVERYONE_SID, "fail", "open to S-1-1-0"),
])
def test_the_acl_verdict(text, verdict, words):
    got, detail = acl_verdict(parse_icacls(text, DATA))
    assert got == verdict and words in detail, detail


def test_the_account_running_the_check_is_not_counted():
    # the technician's administrator account ran kiosk.exe on this folder: it was given access
    entries = parse_icacls(ICACLS_TWO_ACCOUNTS, DATA)
    assert acl_verdict(entries, me=r"kiosk-pc\TECH")[0] == "pass"
    assert acl_verdict(entries, me=r"KIOSK-PC\other")[0] == "warn"


# -- the doctor checks, on "Windows" -----------------------------------------------------------

def _ctx(tmp_path: Path, role: str = "hub") -> Context:
    config = Config().with_values(hub={"role": role})
    return Context(Paths(tmp_path, tmp_path / "kiosk.toml"), config)


class Captured:
    """Answers a command with the text captured from it on Windows (or the answer given for
    that command); records the first command and all of them."""

    def __init__(self, text: str, answers: dict[tuple[str, ...], str] | None = None) -> None:
        self.text, self.answers, self.argv, self.calls = text, answers or {}, None, []

    def __call__(self, argv: list[str]) -> str:
        self.argv = self.argv or argv
        self.calls.append(argv)
        return self.answers.get(tuple(argv), self.text)


@pytest.mark.parametrize("text, status", [
    (NETSH_OK, PASS), (NETSH_NONE, FAIL), (NETSH_PRIVATE_ONLY, FAIL), (NETSH_GERMAN, WARN)])
def test_the_doctor_checks_the_hubs_firewall_rule(tmp_path, monkeypatch, text, status):
    monkeypatch.setattr(sys, "platform", "win32")
    netsh = Captured(text)
    [result] = check_firewall(_ctx(tmp_path), run=netsh)
    assert netsh.argv == netsh_rule_command()
    assert result.status == status, result.line()
    if status == FAIL:
        assert "install-station.ps1 -Hub -HubPort 8090" in result.fix
        assert "-Profile Any" in result.fix


def test_the_doctor_fails_the_hub_when_a_block_rule_overrides_the_allow_rule(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    netsh = Captured(NETSH_OK, {tuple(netsh_inbound_command()): INBOUND_WITH_BLOCKS})
    [result] = check_firewall(_ctx(tmp_path), run=netsh)
    assert netsh.calls == [netsh_rule_command(), netsh_inbound_command()]
    assert result.status == FAIL, result.line()
    assert "Block rules shut TCP 8090 out" in result.detail
    assert r"kiosk-gui.exe (c:\program files\hcc-kiosk\kiosk-gui.exe, Public)" in result.detail
    assert "UDP" not in result.detail
    assert "-Hub again (it removes them)" in result.fix


def test_the_firewall_matters_only_on_the_hub_and_on_windows(tmp_path, monkeypatch):
    never = Captured("")
    monkeypatch.setattr(sys, "platform", "linux")
    [result] = check_firewall(_ctx(tmp_path), run=never)
    assert result.status == SKIP and never.argv is None  # not Windows
    monkeypatch.setattr(sys, "platform", "win32")
    [result] = check_firewall(_ctx(tmp_path, role="client"), run=never)
    assert result.status == SKIP and never.argv is None


@pytest.mark.parametrize("text, status", [
    (ICACLS_LOCKED, PASS), (ICACLS_DEFAULT, FAIL), (ICACLS_TWO_ACCOUNTS, WARN),
    (ICACLS_MISSING, WARN)])
def test_the_doctor_checks_the_data_folder_acl(tmp_path, monkeypatch, text, status):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("USERNAME", "Administrator")  # the technician, an administrator
    monkeypatch.setenv("USERDOMAIN", "KIOSK-PC")
    icacls = Captured(text.replace(DATA, str(tmp_path)))
    [result] = check_data_acl(_ctx(tmp_path), run=icacls)
    assert icacls.argv == ["icacls", str(tmp_path)]
    assert result.status == status, result.line()
    if status != PASS:
        assert "/inheritance:r" in result.fix and "*S-1-5-32-544:(OI)(CI)F" in result.fix


# -- the set-up script ---------------------------------------------------------------------------

def test_the_setup_script_makes_what_the_doctor_checks():
    script = (ROOT / "scripts" / "windows" / "install-station.ps1").read_text(encoding="utf-8")
    assert f'"{FIREWALL_RULE}"' in script
    assert "-Profile Any" in script and "-Direction Inbound" in script
    assert "/inheritance:r" in script and "*S-1-5-18:(OI)(CI)F" in script
    assert "-Priority 4" in script  # scheduled tasks default to below-normal priority (7)
    # the Block rules a dismissed firewall prompt leaves, which the doctor fails the hub for
    assert "Get-NetFirewallRule -Direction Inbound -Action Block" in script
    assert "$ours -contains ($_ | Get-NetFirewallApplicationFilter).Program" in script
    # one data folder for the kiosk account and an administrator's `kiosk.exe doctor`
    from kiosk.paths import DATA_DIR_ENV

    assert f'SetEnvironmentVariable("{DATA_DIR_ENV}", $DataDir, "Machine")' in script


# The Windows names the script writes and the guide tells a technician to check, as Microsoft
# documents them (or, for the touch keyboard, as its Settings pages write them); a typo in a
# GUID or a value name fails silently on a PC, so both files must carry the same, right names.
WINDOWS_NAMES = [
    # Policy CSP - LockDown / EdgeUI.admx "Allow edge swipe": 0 = disallowed
    r"HKLM:\SOFTWARE\Policies\Microsoft\Windows\EdgeUI",
    "AllowEdgeSwipe",
    # powercfg: the "USB settings" subgroup and its "USB selective suspend setting"
    "2a737441-1930-4402-8d77-b2bebba308a3",
    "48e6b7a6-50f5-4782-a5d4-53bb8f07e226",
    # toasts (Settings), "Turn off toast notifications" (WPN.admx), "Remove Notifications and
    # Action Center" (Taskbar.admx)
    r"Software\Microsoft\Windows\CurrentVersion\PushNotifications",
    "ToastEnabled",
    r"Software\Policies\Microsoft\Windows\CurrentVersion\PushNotifications",
    "NoToastApplicationNotification",
    r"Software\Policies\Microsoft\Windows\Explorer",
    "DisableNotificationCenter",
    # the touch keyboard's Settings pages
    r"Software\Microsoft\TabletTip\1.7",
    "EnableDesktopModeAutoInvoke",
    "TouchKeyboardTapInvoke",
    "TipbandDesiredVisibility",
    # the account's own shell, auto-logon
    r"Software\Microsoft\Windows NT\CurrentVersion\Winlogon",
    "AutoAdminLogon",
    "DefaultUserName",
    "DefaultPassword",
    # Smart App Control's state (0 off, 1 on, 2 evaluation)
    r"SYSTEM\CurrentControlSet\Control\CI\Policy",
    "VerifiedAndReputablePolicyState",
    # the firewall rule, the data folder, the scheduled task
    "-RemoteAddress LocalSubnet",
    "/inheritance:r",
    "/setowner",
    "-Priority 4",
    "-ExecutionTimeLimit ([TimeSpan]::Zero)",
    "Unblock-File",
]


@pytest.mark.parametrize("name", WINDOWS_NAMES)
def test_the_script_and_the_guide_use_the_same_windows_names(name):
    script = (ROOT / "scripts" / "windows" / "install-station.ps1").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "install-windows.md").read_text(encoding="utf-8")
    assert name in script, f"install-station.ps1 does not name {name}"
    # the guide writes HKCU\ / HKLM\ where the script goes through the kiosk account's hive
    bare = name.removeprefix("HKLM:\\")
    assert bare in guide, f"docs/install-windows.md does not name {bare}"


def test_the_smart_app_control_states_are_read_right():
    script = (ROOT / "scripts" / "windows" / "install-station.ps1").read_text(encoding="utf-8")
    # 1 is on (blocks an unsigned kiosk now), 2 is evaluation (may turn itself on later)
    assert '$sac -eq 1 -and $signature.Status -ne "Valid"' in script
    assert "Smart App Control is on and the kiosk is unsigned" in script
    assert '$sac -eq 2 -and $signature.Status -ne "Valid"' in script
    assert "Smart App Control is evaluating" in script


def test_the_setup_script_is_plain_ascii():
    # Windows PowerShell 5.1 reads a script without a BOM in the ANSI code page: a Vietnamese
    # or typographic character would be garbled or break the parse on a Vietnamese PC.
    raw = (ROOT / "scripts" / "windows" / "install-station.ps1").read_bytes()
    assert raw.isascii()
