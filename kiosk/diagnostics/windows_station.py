"""`kiosk doctor` on a Windows station: the hub's inbound firewall rule and the data folder's
permissions, read from what `netsh` and `icacls` print (the same commands a technician would
type; scripts/windows/install-station.ps1 sets both up).

The parsers take the commands' text so they can be tested with captured output anywhere; the
checks run the commands only on Windows. netsh and icacls print in the console's OEM code
page and, on a Windows in another display language, with translated labels: what cannot be
read is a warning with the command to run by hand, never a wrong verdict.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.diagnostics.results import CheckResult, Context, fail, ok, skip, warn

#: The display name of the inbound rules install-station.ps1 makes (one per executable).
FIREWALL_RULE = "hcc-kiosk hub"
ALL_PROFILES = {"domain", "private", "public"}
SETUP_SCRIPT = r"scripts\windows\install-station.ps1"

Runner = Callable[[list[str]], str]


def run_command(argv: list[str]) -> str:
    """The command's output as text (Windows' OEM code page); '' if it cannot run."""
    try:
        done = subprocess.run(argv, capture_output=True, timeout=20,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError):
        return ""
    encoding = "oem" if sys.platform == "win32" else "utf-8"
    return (done.stdout + done.stderr).decode(encoding, "replace")


# -- the firewall rule -------------------------------------------------------------------------

def netsh_rule_command(name: str = FIREWALL_RULE) -> list[str]:
    return ["netsh", "advfirewall", "firewall", "show", "rule", f"name={name}", "verbose"]


def netsh_inbound_command() -> list[str]:
    """Every inbound rule, for the Block rules that would override the hub's Allow rule."""
    return ["netsh", "advfirewall", "firewall", "show", "rule", "name=all", "dir=in", "verbose"]


def parse_netsh_rules(text: str) -> list[dict[str, str]] | None:
    """The rules in `netsh advfirewall firewall show rule name=… [verbose]` output, each a
    dict of lower-case labels ("rule name", "enabled", "direction", "profiles", "protocol",
    "localport", "action", "program", …) to values; [] when no rule matches; None when the
    text is not netsh's English output (another display language, an error)."""
    if "No rules match the specified criteria" in text:
        return []
    rules: list[dict[str, str]] = []
    for line in text.splitlines():
        label, sep, value = line.partition(":")
        if not sep or line.startswith(" ") or label.strip() == "":
            continue
        key = label.strip().lower()
        if key == "rule name":
            rules.append({})
        if rules:
            # a program path holds a colon too (C:\...): keep the rest of the line whole
            rules[-1][key] = value.strip()
    return rules if rules and all("rule name" in r for r in rules) else None


def _ports(value: str) -> set[str]:
    return {p.strip().lower() for p in value.split(",") if p.strip()}


def _port_allowed(value: str, port: int) -> bool:
    for item in _ports(value):
        if item == "any":
            return True
        low, _, high = item.partition("-")
        high = high or low
        if low.isdigit() and high.isdigit() and int(low) <= port <= int(high):
            return True
    return False


def firewall_verdict(rules: list[dict[str, str]], port: int,
                     program: str | None = None) -> tuple[str, str]:
    """("pass" | "warn" | "fail", detail) for the hub's rules: some rule must be enabled,
    inbound, allow TCP on `port` on all three profiles; if `program` is given (the running
    executable), a rule for it."""
    usable = []
    notes = []
    for rule in rules:
        profiles = {p.strip().lower() for p in rule.get("profiles", "").split(",")}
        problems = []
        if rule.get("enabled", "").lower() != "yes":
            problems.append("disabled")
        if rule.get("direction", "").lower() != "in":
            problems.append("not inbound")
        if rule.get("action", "").lower() != "allow":
            problems.append(f"action {rule.get('action', '?')}")
        if rule.get("protocol", "").upper() not in ("TCP", "ANY"):
            problems.append(f"protocol {rule.get('protocol', '?')}")
        if not _port_allowed(rule.get("localport", ""), port):
            problems.append(f"port {rule.get('localport', '?')}, not {port}")
        if not (profiles >= ALL_PROFILES or profiles == {"any"}):
            problems.append(f"profiles {rule.get('profiles', '?')} only (an office network "
                            "Windows calls Public would be blocked)")
        if problems:
            notes.append(f"{rule.get('program', 'any program')}: {', '.join(problems)}")
        else:
            usable.append(rule)
    if not usable:
        why = "; ".join(notes) if notes else f"no rule named {FIREWALL_RULE!r}"
        return "fail", f"TCP {port} is not let in: {why}"
    programs = [r.get("program", "any") for r in usable]
    if program is not None:
        wanted = program.lower()
        if not any(p.lower() in (wanted, "any") for p in programs):
            return "warn", (f"the rules let TCP {port} in for {', '.join(programs)}, not for "
                            f"this program ({program}): moved or reinstalled elsewhere?")
    return "pass", f"inbound TCP {port} allowed on all profiles for {', '.join(programs)}"


def blocking_rules(rules: list[dict[str, str]], port: int,
                   programs: list[str]) -> list[dict[str, str]]:
    """The enabled inbound Block rules that match the hub's traffic: for one of `programs`
    (or for any program and no one service) and TCP on `port`. Windows Firewall applies a
    Block rule before any Allow rule, so one of these shuts the hub out on its profiles. A
    first-start prompt that someone dismissed or cancelled leaves exactly such rules for the
    program (named after it, not hcc-kiosk hub)."""
    wanted = {p.lower() for p in programs}
    found = []
    for rule in rules:
        program = rule.get("program", "any").lower()
        if (rule.get("enabled", "").lower() == "yes"
                and rule.get("direction", "").lower() == "in"
                and rule.get("action", "").lower() == "block"
                and rule.get("protocol", "any").upper() in ("TCP", "ANY")
                and _port_allowed(rule.get("localport", "any") or "any", port)
                and (program in wanted
                     or (program == "any" and rule.get("service", "any").lower() == "any"))):
            found.append(rule)
    return found


def check_firewall(ctx: Context, *, run: Runner = run_command) -> list[CheckResult]:
    """On the office hub PC: the inbound rule that lets the stations reach the hub's port."""
    name = "firewall"
    if sys.platform != "win32":
        return [skip(name, "Windows only")]
    config = ctx.usable
    if config.hub.role != "hub":
        return [skip(name, "not the office hub: nothing listens for other PCs")]
    port = config.hub.port
    fix = (f"As administrator: `powershell -ExecutionPolicy Bypass -File {SETUP_SCRIPT} "
           f"-Hub -HubPort {port}`, or New-NetFirewallRule -DisplayName '{FIREWALL_RULE}' "
           f"-Direction Inbound -Program <the folder>\\kiosk-gui.exe -Protocol TCP "
           f"-LocalPort {port} -Profile Any -Action Allow (docs/install-windows.md).")
    text = run(netsh_rule_command())
    rules = parse_netsh_rules(text)
    if rules is None:
        return [warn(name, "cannot read netsh's answer (a Windows in another language, or "
                     "netsh missing)", f"Check by hand: `netsh advfirewall firewall show rule "
                     f"name=\"{FIREWALL_RULE}\" verbose`. {fix}")]
    program = sys.executable if getattr(sys, "frozen", False) else None
    verdict, detail = firewall_verdict(rules, port, program)
    if verdict == "fail":
        return [fail(name, detail, fix)]
    ours = [r["program"] for r in rules if r.get("program", "any").lower() != "any"]
    inbound = parse_netsh_rules(run(netsh_inbound_command())) or []
    blocks = blocking_rules(inbound, port, ours + ([program] if program else []))
    if blocks:
        which = "; ".join(f"{r.get('rule name', '?')} ({r.get('program', 'any program')}, "
                          f"{r.get('profiles', '?')})" for r in blocks)
        return [fail(name, f"inbound Block rules shut TCP {port} out, whatever the Allow rule "
                     f"says (a Block rule always wins): {which}",
                     "As administrator: run the set-up script with -Hub again (it removes "
                     "them), or Windows Defender Firewall with Advanced Security > Inbound "
                     "Rules > delete the Block rules for kiosk-gui.exe and kiosk.exe. They "
                     "are left when someone dismissed or cancelled Windows' firewall prompt "
                     "at the first start.")]
    if verdict == "warn":
        return [warn(name, detail, fix)]
    return [ok(name, detail)]


# -- the data folder's permissions --------------------------------------------------------------

@dataclass(frozen=True)
class AclEntry:
    principal: str
    rights: tuple[str, ...]  # the parenthesised items: "OI", "CI", "I", "F", "RX", "DENY", …

    @property
    def inherited(self) -> bool:
        return "I" in self.rights

    @property
    def deny(self) -> bool:
        return "DENY" in self.rights


_ACE = re.compile(r"^(?P<who>[^()]+?):(?P<rights>(?:\([^()]*\))+)$")

#: Principals that stand for many people (names as English Windows prints them, and SIDs).
BROAD = ("everyone", "\\users", "\\authenticated users", "\\interactive", "\\guests",
         "\\domain users", "\\anonymous logon", "\\network", "\\remote desktop users",
         "s-1-1-0", "s-1-5-11", "s-1-5-32-545", "s-1-5-4", "s-1-5-32-546", "s-1-5-7",
         "s-1-5-2", "s-1-5-32-555")
ADMINS = ("nt authority\\system", "builtin\\administrators", "s-1-5-18", "s-1-5-32-544",
          "\\system", "\\administrators")


def parse_icacls(text: str, path: str) -> list[AclEntry] | None:
    """The entries of `icacls PATH` output; None if the text does not look like it (an
    error such as "The system cannot find the file specified.")."""
    entries: list[AclEntry] = []
    started = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if not started:
            if not line.lower().startswith(path.lower()):
                continue
            line = line[len(path):]
            started = True
        elif not line.strip():
            break  # the blank line before "Successfully processed 1 files; …"
        match = _ACE.match(line.strip())
        if not match:
            return None
        rights = tuple(r.upper() for r in re.findall(r"\(([^()]*)\)", match["rights"]))
        entries.append(AclEntry(match["who"].strip(), rights))
    return entries or None


def _is(principal: str, names: tuple[str, ...]) -> bool:
    """`principal` is one of `names`: a full name or SID, or a "\\name" suffix (any
    domain or computer)."""
    who = principal.lower().lstrip("*")
    for name in names:
        if name.startswith("\\"):
            if who.endswith(name):
                return True
        elif who == name or who.endswith("\\" + name):
            return True
    return False


def acl_verdict(entries: list[AclEntry], me: str = "") -> tuple[str, str]:
    """("pass" | "warn" | "fail", detail): no inherited entries, nobody broad let in, and
    besides SYSTEM, Administrators and `me` (the account running the check: the program
    gives the account it runs as access at each start) at most one account (the kiosk's)."""
    granted = [e for e in entries if not e.deny]
    inherited = [e.principal for e in granted if e.inherited]
    broad = [e.principal for e in granted if _is(e.principal, BROAD)]
    if broad:
        return "fail", f"open to {', '.join(dict.fromkeys(broad))}"
    if inherited:
        return "fail", (f"inherits permissions from its parent folder "
                        f"({', '.join(dict.fromkeys(inherited))})")
    accounts = list(dict.fromkeys(e.principal for e in granted if not _is(e.principal, ADMINS)))
    others = [a for a in accounts if not me or a.lower() != me.lower()]
    if len(others) > 1:
        return "warn", (f"besides SYSTEM and Administrators, {len(accounts)} accounts have "
                        f"access: {', '.join(accounts)}")
    who = ", ".join(["SYSTEM", "Administrators", *accounts])
    return "pass", f"only {who}; not inherited"


def icacls_fix(folder: Path | str) -> str:
    return (f"As administrator: `icacls \"{folder}\" /inheritance:r /grant:r "
            f"*S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F kiosk:(OI)(CI)F` (kiosk: the "
            f"station's account), then remove any other account with `icacls \"{folder}\" "
            f"/remove:g NAME`; or run {SETUP_SCRIPT}.")


def check_data_acl(ctx: Context, *, run: Runner = run_command) -> list[CheckResult]:
    """The data folder (database, keys, logs) readable by SYSTEM, Administrators and the
    kiosk account only, with no permissions inherited from the folder above."""
    name = "data folder permissions"
    if sys.platform != "win32":
        return [skip(name, "Windows only (elsewhere: the 0700 mode, see logs check)")]
    folder = str(ctx.paths.data_dir)
    if not Path(folder).is_dir():
        return [skip(name, f"{folder} does not exist yet")]
    text = run(["icacls", folder])
    entries = parse_icacls(text, folder)
    if entries is None:
        return [warn(name, f"cannot read icacls' answer for {folder}",
                     f"Check by hand: `icacls \"{folder}\"`. {icacls_fix(folder)}")]
    me = os.environ.get("USERNAME", "")
    if me and os.environ.get("USERDOMAIN"):
        me = f"{os.environ['USERDOMAIN']}\\{me}"
    verdict, detail = acl_verdict(entries, me)
    detail = f"{folder}: {detail}"
    if verdict == "fail":
        return [fail(name, detail, icacls_fix(folder))]
    if verdict == "warn":
        return [warn(name, detail, icacls_fix(folder))]
    return [ok(name, detail)]
