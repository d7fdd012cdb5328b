<#
.SYNOPSIS
    Makes a fresh Windows 10/11 PC (Pro or Home, x64) an hcc-kiosk station: program folder
    unblocked, the kiosk account, the data folder locked down, the hub's firewall rule, auto-start
    (scheduled task or the account's own shell), no sleep, no toasts, no edge swipes, no touch
    keyboard popping up, USB devices kept powered. docs/install-windows.md explains each step.

.DESCRIPTION
    Run it as administrator, once the kiosk folder is in place (default C:\Program Files\
    hcc-kiosk). It can be run again: every step checks or replaces what it made before.

    Per-user settings (shell, toasts, touch keyboard) go into the kiosk account's own registry
    hive, which exists once that account has logged on once: on a fresh PC run the script, log
    on as the kiosk account once, log off, and run the script again.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\install-station.ps1
    A counter PC or a display: the scheduled task starts the kiosk at the kiosk account's log-on.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\install-station.ps1 -Hub -Start Shell
    The office hub's ticket kiosk: firewall rule for port 8090, and the kiosk as the account's
    shell (no taskbar, no desktop).
#>
[CmdletBinding()]
param(
    # Where the kiosk folder (kiosk.exe, kiosk-gui.exe, _internal\) was copied.
    [string] $InstallDir = "C:\Program Files\hcc-kiosk",
    # All of the station's state: configuration, database, logs (given to every command as
    # --data-dir).
    [string] $DataDir = "C:\ProgramData\hcc-kiosk",
    # The station's standard (non-administrator) local account; made if missing.
    [string] $KioskUser = "kiosk",
    # This PC is the office hub: let the other PCs in on TCP $HubPort.
    [switch] $Hub,
    [ValidateRange(1, 65535)] [int] $HubPort = 8090,
    # Task: a scheduled task at log-on (the desktop stays). Shell: the kiosk replaces Explorer
    # for the kiosk account only.
    [ValidateSet("Task", "Shell")] [string] $Start = "Task",
    # Windows Update restarts only outside these hours (at most 18 hours apart).
    [ValidateRange(0, 23)] [int] $ActiveHoursStart = 6,
    [ValidateRange(0, 23)] [int] $ActiveHoursEnd = 20,
    # Sysinternals Autologon64.exe, if copied to this PC: opened to set the automatic log-on
    # (it keeps the password encrypted, unlike the DefaultPassword registry value).
    [string] $AutologonExe = ""
)

Set-StrictMode -Version 3
$ErrorActionPreference = "Stop"

$RuleName = "hcc-kiosk hub"           # kiosk doctor looks for this name (netsh)
$TaskName = "hcc-kiosk"
$MinBuild = 17763                     # Windows 10 1809: the oldest Qt 6 supports
$SupportedBuild = 19045               # Windows 10 22H2; Windows 11 is 22000 and up
$Warnings = New-Object System.Collections.Generic.List[string]

function Write-Step([string] $Text) { Write-Host "==> $Text" -ForegroundColor Cyan }
function Add-Warning([string] $Text) { $Warnings.Add($Text); Write-Warning $Text }
function Invoke-Native([string] $Exe, [string[]] $Arguments) {
    # Windows PowerShell 5.1 turns a native program's stderr line into a terminating error
    # under "Stop": judge by the exit code instead.
    $ErrorActionPreference = "Continue"
    $output = & $Exe @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "$Exe $($Arguments -join ' ') failed ($LASTEXITCODE): $output"
    }
    return $output
}
function Set-Dword([string] $Key, [string] $Name, [int] $Value) {
    if (-not (Test-Path -LiteralPath $Key)) { New-Item -Path $Key -Force | Out-Null }
    New-ItemProperty -LiteralPath $Key -Name $Name -Value $Value -PropertyType DWord -Force |
        Out-Null
}

# -- 1. This PC ------------------------------------------------------------------------------
Write-Step "Checking this PC"
$me = New-Object Security.Principal.WindowsPrincipal(
    [Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $me.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw "Run this script as administrator (right-click PowerShell > Run as administrator)."
}
if (-not [Environment]::Is64BitOperatingSystem) { throw "The kiosk needs 64-bit Windows." }
$cv = Get-ItemProperty "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
$build = [int] $cv.CurrentBuildNumber
$edition = [string] $cv.EditionID     # Core = Home, Professional, Enterprise, Education, ...
Write-Host "Windows build $build, edition $edition"
if ($build -lt $MinBuild) {
    throw "Windows 10 version 1809 (build $MinBuild) or newer is needed; this PC has $build."
}
if ($build -lt $SupportedBuild) {
    Add-Warning "Build $build no longer gets security updates: update to Windows 10 22H2 or Windows 11."
}
if ($edition -match "^(Enterprise|Education|IoTEnterprise)") {
    Write-Host "This edition also offers Shell Launcher; the per-user shell used here works as well."
}

$gui = Join-Path $InstallDir "kiosk-gui.exe"
$cli = Join-Path $InstallDir "kiosk.exe"
foreach ($exe in @($gui, $cli)) {
    if (-not (Test-Path -LiteralPath $exe)) { throw "$exe is missing: copy the whole kiosk folder first." }
}

# -- 2. The program folder: downloaded files unblocked, signature, Smart App Control ------------
Write-Step "Unblocking $InstallDir (files from a downloaded zip carry the internet mark)"
Get-ChildItem -LiteralPath $InstallDir -Recurse -File | Unblock-File
$signature = Get-AuthenticodeSignature -LiteralPath $gui
if ($signature.Status -ne "Valid") {
    Add-Warning "kiosk-gui.exe is not signed ($($signature.Status)): SmartScreen may ask before the first start, and Smart App Control blocks it (docs/install-windows.md, 'Code signing')."
}
# Smart App Control's state: 0 off, 1 on (enforcement), 2 evaluation (Microsoft Learn, "Test your
# app's signature with Smart App Control"). Evaluation blocks nothing yet, but may turn itself on.
$ci = Get-ItemProperty "HKLM:\SYSTEM\CurrentControlSet\Control\CI\Policy" -ErrorAction SilentlyContinue
$sac = if ($ci -and ($ci.PSObject.Properties.Name -contains "VerifiedAndReputablePolicyState")) {
    [int] $ci.VerifiedAndReputablePolicyState } else { 0 }
if ($sac -eq 1 -and $signature.Status -ne "Valid") {
    Add-Warning "Smart App Control is on and the kiosk is unsigned: Windows will block it. Sign the build, or turn Smart App Control off (Windows Security > App & browser control > Smart App Control settings; it cannot be turned on again without resetting Windows)."
} elseif ($sac -eq 2 -and $signature.Status -ne "Valid") {
    Add-Warning "Smart App Control is evaluating this PC and the kiosk is unsigned: it blocks nothing yet, but once it turns itself on it will block the kiosk. Sign the build, or turn Smart App Control off now (Windows Security > App & browser control > Smart App Control settings)."
}

# -- 3. The kiosk account --------------------------------------------------------------------
Write-Step "The kiosk account '$KioskUser'"
$user = Get-LocalUser -Name $KioskUser -ErrorAction SilentlyContinue
if (-not $user) {
    $password = Read-Host -AsSecureString "Password for the new local account $KioskUser"
    $user = New-LocalUser -Name $KioskUser -Password $password -FullName "hcc-kiosk station" `
        -Description "Runs the hcc-kiosk screen" -PasswordNeverExpires -UserMayNotChangePassword `
        -AccountNeverExpires
    Add-LocalGroupMember -SID "S-1-5-32-545" -Member $KioskUser -ErrorAction SilentlyContinue  # Users
}
try {
    $admins = Get-LocalGroupMember -SID "S-1-5-32-544" | Where-Object { $_.SID -eq $user.SID }
} catch {
    $admins = $null    # Get-LocalGroupMember fails on a group holding a deleted account's SID
    Add-Warning "Could not list the Administrators group: check that $KioskUser is not in it."
}
if ($admins) {
    Add-Warning "$KioskUser is an administrator: make it a standard account (a citizen-facing program needs no rights)."
}
$sid = $user.SID.Value

# -- 4. The data folder: SYSTEM, Administrators and the kiosk account only --------------------
Write-Step "Data folder $DataDir"
New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
# /inheritance:r drops what C:\ProgramData passes on (Users: read and create files);
# /grant:r replaces these accounts' entries; /remove:g takes broad groups out if someone added
# them by hand.
Invoke-Native "icacls.exe" @($DataDir, "/inheritance:r", "/grant:r", "*S-1-5-18:(OI)(CI)F",
    "*S-1-5-32-544:(OI)(CI)F", "*${sid}:(OI)(CI)F") | Out-Null
Invoke-Native "icacls.exe" @($DataDir, "/remove:g", "*S-1-1-0", "*S-1-5-11", "*S-1-5-32-545",
    "*S-1-5-4", "*S-1-3-0") | Out-Null
Invoke-Native "icacls.exe" @($DataDir, "/setowner", "*S-1-5-32-544") | Out-Null
Write-Host (Invoke-Native "icacls.exe" @($DataDir) | Out-String)
# The same folder for every account without --data-dir: an administrator's `kiosk.exe doctor`
# checks the station's own data, not an empty folder under the administrator's profile
# (kiosk/paths.py reads KIOSK_DATA_DIR; new terminals see it).
[Environment]::SetEnvironmentVariable("KIOSK_DATA_DIR", $DataDir, "Machine")

# -- 5. The hub's firewall rule ----------------------------------------------------------------
if ($Hub) {
    Write-Step "Firewall: inbound TCP $HubPort for the hub, all profiles, this LAN only"
    Get-NetFirewallRule -DisplayName $RuleName -ErrorAction SilentlyContinue |
        Remove-NetFirewallRule
    # A first-start firewall prompt that someone dismissed or cancelled leaves inbound Block
    # rules for the program, and Windows applies Block rules before any Allow rule: remove
    # them (kiosk doctor fails the hub while one is left).
    $ours = @($gui, $cli)
    Get-NetFirewallRule -Direction Inbound -Action Block -ErrorAction SilentlyContinue |
        Where-Object { $ours -contains ($_ | Get-NetFirewallApplicationFilter).Program } |
        ForEach-Object {
            Write-Host "Removing the Block rule '$($_.DisplayName)' for $(($_ | Get-NetFirewallApplicationFilter).Program)"
            $_ | Remove-NetFirewallRule
        }
    foreach ($exe in @($gui, $cli)) {
        New-NetFirewallRule -DisplayName $RuleName -Direction Inbound -Action Allow `
            -Protocol TCP -LocalPort $HubPort -Program $exe -Profile Any `
            -RemoteAddress LocalSubnet `
            -Description "Counters, displays and rating screens reach the office hub (hcc-kiosk)" |
            Out-Null
    }
    Write-Host "Set [hub] host = `"0.0.0.0`" (the set-up wizard's hub page does) so the hub listens on the LAN."
}

# -- 6. Starting with Windows -----------------------------------------------------------------
$arguments = "--data-dir `"$DataDir`" run"
$command = "`"$gui`" $arguments"
if ($Start -eq "Task") {
    Write-Step "Scheduled task '$TaskName' at $KioskUser's log-on, normal priority"
    $action = New-ScheduledTaskAction -Execute $gui -Argument $arguments -WorkingDirectory $InstallDir
    $trigger = New-ScheduledTaskTrigger -AtLogOn -User "$env:COMPUTERNAME\$KioskUser"
    $principal = New-ScheduledTaskPrincipal -UserId "$env:COMPUTERNAME\$KioskUser" `
        -LogonType Interactive -RunLevel Limited
    # Priority 4 = normal: a task's default (7) is below normal, and the screen would lag
    # behind every background job (Microsoft Learn, TaskSettings.Priority: 7 and 8 are
    # BELOW_NORMAL_PRIORITY_CLASS, 4 to 6 NORMAL_PRIORITY_CLASS). No time limit (the default
    # ends a task after 3 days).
    $settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) `
        -Priority 4 -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
        -MultipleInstances IgnoreNew -StartWhenAvailable
    Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger `
        -Principal $principal -Settings $settings -Force | Out-Null
} else {
    Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue |
        Unregister-ScheduledTask -Confirm:$false   # one way to start, not two
}

# -- 7. The kiosk account's own settings (its registry hive) ------------------------------------
Write-Step "Settings of the account $KioskUser"
$profilePath = (Get-CimInstance Win32_UserProfile | Where-Object { $_.SID -eq $sid } |
    Select-Object -First 1 -ExpandProperty LocalPath -ErrorAction SilentlyContinue)
if (-not $profilePath) {
    Add-Warning "$KioskUser has not logged on yet: log on as $KioskUser once, log off, and run this script again for its shell, toasts and touch keyboard settings."
} else {
    $hive = "Registry::HKEY_USERS\$sid"
    $loadedHere = -not (Test-Path -LiteralPath $hive)
    if ($loadedHere) { Invoke-Native "reg.exe" @("load", "HKU\$sid", (Join-Path $profilePath "NTUSER.DAT")) | Out-Null }
    try {
        $winlogon = "$hive\Software\Microsoft\Windows NT\CurrentVersion\Winlogon"
        if ($Start -eq "Shell") {
            # Only this account: administrators still get Explorer. Works on Pro and Home
            # (Assigned Access runs only UWP apps or Edge; Shell Launcher needs Enterprise).
            if (-not (Test-Path -LiteralPath $winlogon)) { New-Item -Path $winlogon -Force | Out-Null }
            New-ItemProperty -LiteralPath $winlogon -Name Shell -Value $command -PropertyType String -Force | Out-Null
            Write-Host "Shell of $KioskUser`: $command"
        } elseif (Test-Path -LiteralPath $winlogon) {
            Remove-ItemProperty -LiteralPath $winlogon -Name Shell -ErrorAction SilentlyContinue
        }
        # No toasts, no notification centre, no tips over the kiosk screen
        Set-Dword "$hive\Software\Microsoft\Windows\CurrentVersion\PushNotifications" "ToastEnabled" 0
        Set-Dword "$hive\Software\Policies\Microsoft\Windows\CurrentVersion\PushNotifications" "NoToastApplicationNotification" 1
        Set-Dword "$hive\Software\Policies\Microsoft\Windows\Explorer" "DisableNotificationCenter" 1
        $cdm = "$hive\Software\Microsoft\Windows\CurrentVersion\ContentDeliveryManager"
        Set-Dword $cdm "SoftLandingEnabled" 0
        Set-Dword $cdm "SubscribedContent-338389Enabled" 0
        Set-Dword $cdm "SubscribedContent-310093Enabled" 0
        # The Windows touch keyboard stays away: the kiosk has its own (Telex) keyboard
        $tip = "$hive\Software\Microsoft\TabletTip\1.7"
        Set-Dword $tip "EnableDesktopModeAutoInvoke" 0    # Windows 10
        Set-Dword $tip "TouchKeyboardTapInvoke" 0         # Windows 11: "Show the touch keyboard": never
        Set-Dword $tip "TipbandDesiredVisibility" 0       # no keyboard button on the taskbar
    } finally {
        if ($loadedHere) {
            [GC]::Collect()
            [GC]::WaitForPendingFinalizers()
            Invoke-Native "reg.exe" @("unload", "HKU\$sid") | Out-Null
        }
    }
}

# -- 8. Touch: no edge swipes (Action Center, Task View, the app bar) -----------------------------
# Group Policy "Allow edge swipe" (Windows Components > Edge UI, EdgeUI.admx): 0 = disallowed.
# Microsoft lists it for Pro, Enterprise and Education, not Home (Policy CSP - LockDown).
Write-Step "Touch edge swipes off"
Set-Dword "HKLM:\SOFTWARE\Policies\Microsoft\Windows\EdgeUI" "AllowEdgeSwipe" 0
if ($edition -like "Core*") {
    Add-Warning "Windows Home: Microsoft does not list the edge-swipe policy for Home. After the restart, swipe in from each screen edge as $KioskUser; if the Action Center or Task View opens, turn off the touch gestures in Settings (Windows 11) or use a Pro edition."
}

# -- 9. Power: never sleep, screen always on, USB devices kept powered -----------------------------
Write-Step "Power: no sleep, no screen off, no USB selective suspend, no hibernation"
foreach ($setting in @("standby-timeout-ac", "monitor-timeout-ac", "hibernate-timeout-ac",
                       "disk-timeout-ac", "standby-timeout-dc", "monitor-timeout-dc")) {
    Invoke-Native "powercfg.exe" @("/change", $setting, "0") | Out-Null
}
$usbGroup = "2a737441-1930-4402-8d77-b2bebba308a3"           # power subgroup "USB settings"
$selectiveSuspend = "48e6b7a6-50f5-4782-a5d4-53bb8f07e226"   # "USB selective suspend setting"
Invoke-Native "powercfg.exe" @("/setacvalueindex", "SCHEME_CURRENT", $usbGroup, $selectiveSuspend, "0") | Out-Null
Invoke-Native "powercfg.exe" @("/setdcvalueindex", "SCHEME_CURRENT", $usbGroup, $selectiveSuspend, "0") | Out-Null
Invoke-Native "powercfg.exe" @("/setactive", "SCHEME_CURRENT") | Out-Null
# Also turns Fast Startup off: a "shut down" then really resets the USB printer and scanner.
Invoke-Native "powercfg.exe" @("/hibernate", "off") | Out-Null
# Device Manager's "Allow the computer to turn off this device to save power", for USB devices
try {
    Get-CimInstance -Namespace root\wmi -ClassName MSPower_DeviceEnable -ErrorAction Stop |
        Where-Object { $_.InstanceName -like "USB\*" -and $_.Enable } |
        ForEach-Object { Set-CimInstance -InputObject $_ -Property @{ Enable = $false } }
} catch {
    Add-Warning "Could not turn off USB power saving per device: do it in Device Manager (each USB hub, printer, scanner > Power Management)."
}

# -- 10. Clock and Windows Update ------------------------------------------------------------------
Write-Step "Time zone UTC+07:00, automatic time, Windows Update active hours $ActiveHoursStart-$ActiveHoursEnd"
Set-TimeZone -Id "SE Asia Standard Time"
Set-Service -Name W32Time -StartupType Automatic
Start-Service -Name W32Time -ErrorAction SilentlyContinue
$ux = "HKLM:\SOFTWARE\Microsoft\WindowsUpdate\UX\Settings"
Set-Dword $ux "ActiveHoursStart" $ActiveHoursStart
Set-Dword $ux "ActiveHoursEnd" $ActiveHoursEnd

# -- 11. Automatic log-on ------------------------------------------------------------------------
if ($AutologonExe) {
    Write-Step "Automatic log-on: Autologon opens; enter $KioskUser, this PC's name and the password"
    Start-Process -FilePath $AutologonExe -ArgumentList "/accepteula" -Wait
} else {
    Write-Host "Automatic log-on: run Sysinternals Autologon64.exe for $KioskUser (docs/install-windows.md)."
}
# Autologon (or netplwiz) leaves AutoAdminLogon = "1" and DefaultUserName under Winlogon; the
# password belongs in the LSA secret Autologon writes, never in the plain-text DefaultPassword.
$logon = Get-ItemProperty "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"
$logonNames = $logon.PSObject.Properties.Name
$autoAdmin = if ($logonNames -contains "AutoAdminLogon") { [string] $logon.AutoAdminLogon } else { "0" }
$defaultUser = if ($logonNames -contains "DefaultUserName") { [string] $logon.DefaultUserName } else { "" }
if ($autoAdmin -ne "1" -or $defaultUser -ne $KioskUser) {
    Add-Warning "Automatic log-on is not set for $KioskUser (Winlogon AutoAdminLogon '$autoAdmin', DefaultUserName '$defaultUser'): run Autologon64.exe (-AutologonExe), or the PC waits at the log-on screen after each restart."
}
if ($logonNames -contains "DefaultPassword") {
    Add-Warning "Winlogon's DefaultPassword value holds a password in plain text: delete it (regedit) and set the log-on with Autologon64.exe instead."
}

# -- Done ------------------------------------------------------------------------------------
Write-Step "Done. Check with: & `"$cli`" --data-dir `"$DataDir`" doctor"
foreach ($warning in $Warnings) { Write-Host "  ! $warning" -ForegroundColor Yellow }
Write-Host "Restart the PC; it logs on as $KioskUser and starts the kiosk."
