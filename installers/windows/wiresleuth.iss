; WireSleuth for Windows: Inno Setup 6 script, per-user install of the PyInstaller folder.
;
;   ISCC.exe /DAppVersion=0.1.0 /DAppVersionNumeric=0.1.0.0 /DPublisher="ACME IT" ^
;            /DSourceDir=..\..\dist\wiresleuth /DIconFile=..\..\build\icons\wiresleuth.ico ^
;            /DOutputDir=..\..\dist installers\windows\wiresleuth.iss
;
; Why Inno Setup and not WiX: a helpdesk sends one file that a user double-clicks, and Inno
; Setup makes a per-user install without administrator rights its normal mode
; (PrivilegesRequired=lowest: %LOCALAPPDATA%\Programs, HKCU associations), with a readable
; single script and Pascal code for the Npcap check. WiX builds MSI packages, better for
; IT departments pushing software with Intune/GPO, but per-user MSI is awkward (ALLUSERS/
; MSIINSTALLPERUSER) and needs custom actions for the same checks.
;
; Npcap: WireSleuth captures its own test traffic through Npcap (wpcap.dll). Npcap's licence
; does not allow shipping it inside another installer without an OEM licence, so it is never
; bundled: this script detects it, explains what is lost without it, and offers its page.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (from wiresleuth.__version__; the workflow does)
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric "0.0.0.0"
#endif
#ifndef Publisher
  #define Publisher "WireSleuth"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\wiresleuth"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\wiresleuth.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define NpcapPage "https://npcap.com/#download"
; The licences travel with the program: THIRD-PARTY-NOTICES.txt and COPYING, which the
; PyInstaller spec puts beside wiresleuth.exe (installers/notices.py), are installed with the
; folder below. A folder without them was not built by the spec: refuse to package it.
#define NoticesFile AddBackslash(SourceDir) + "THIRD-PARTY-NOTICES.txt"
#if !FileExists(NoticesFile) && !FileExists(AddBackslash(SourcePath) + NoticesFile)
  #error THIRD-PARTY-NOTICES.txt is missing from SourceDir: build the program with installers\wiresleuth.spec
#endif

[Setup]
AppId={{5B0E8A53-2C1D-4F7E-9A86-3D5E2C7B9F14}
AppName=WireSleuth
AppVersion={#AppVersion}
AppVerName=WireSleuth {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#AppVersionNumeric}
DefaultDirName={autopf}\WireSleuth
DefaultGroupName=WireSleuth
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=WireSleuth-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\wiresleuth.exe
UninstallDisplayName=WireSleuth {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: wiresleuth.exe, wiresleuth-selfcheck.exe, _internal\, the
; licences (THIRD-PARTY-NOTICES.txt, COPYING), and in a branded build the helpdesk's
; profile.toml and helpdesk-logo.png beside the executable.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\WireSleuth"; Filename: "{app}\wiresleuth.exe"; Comment: "Find what breaks your connections"
Name: "{autodesktop}\WireSleuth"; Filename: "{app}\wiresleuth.exe"; Tasks: desktopicon

[Registry]
; HKA is HKCU for a per-user install and HKLM for an administrator's: .wsbundle opens in WireSleuth.
Root: HKA; Subkey: "Software\Classes\.wsbundle\OpenWithProgids"; ValueType: string; ValueName: "WireSleuth.Bundle"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\WireSleuth.Bundle"; ValueType: string; ValueName: ""; ValueData: "WireSleuth diagnostic bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\WireSleuth.Bundle\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\wiresleuth.exe,0"
Root: HKA; Subkey: "Software\Classes\WireSleuth.Bundle\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\wiresleuth.exe"" open ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\wiresleuth.exe\SupportedTypes"; ValueType: string; ValueName: ".wsbundle"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\wiresleuth.exe"; Description: "{cm:LaunchProgram,WireSleuth}"; Flags: nowait postinstall skipifsilent

[Code]
var
  NpcapPageShown: TOutputMsgWizardPage;
  OpenNpcapPage: TNewCheckBox;

function NpcapInstalled(): Boolean;
begin
  { Npcap installs wpcap.dll under System32\Npcap and registers itself under HKLM. }
  Result := FileExists(ExpandConstant('{sys}\Npcap\wpcap.dll'))
    or RegKeyExists(HKLM, 'SOFTWARE\Npcap')
    or RegKeyExists(HKLM, 'SOFTWARE\WOW6432Node\Npcap');
end;

procedure InitializeWizard();
begin
  if NpcapInstalled() then
  begin
    Log('Npcap found: packet capture will be available.');
    exit;
  end;
  Log('Npcap not found: runs will complete without packet capture.');
  NpcapPageShown := CreateOutputMsgPage(wpWelcome,
    'Packet capture (optional)',
    'Npcap, the capture driver Wireshark also uses, is not installed.',
    'WireSleuth records the packets of its own test connections as evidence for your helpdesk. ' +
    'On Windows it does so through Npcap. Without Npcap every check still runs and the report ' +
    'is still written, but it lacks the packet-level proof (which device reset a connection, ' +
    'priority marks, lost packets).' + #13#10#13#10 +
    'Npcap''s licence does not allow it to be included in this installer. You can install it ' +
    'yourself, before or after WireSleuth, from its official page: {#NpcapPage}' + #13#10 +
    'If your computer is managed, ask your helpdesk: they may install it for you. If Npcap is ' +
    'installed with "Restrict Npcap driver''s access to Administrators only", WireSleuth must ' +
    'be run as administrator to capture.');
  OpenNpcapPage := TNewCheckBox.Create(NpcapPageShown);
  OpenNpcapPage.Parent := NpcapPageShown.Surface;
  OpenNpcapPage.Top := NpcapPageShown.SurfaceHeight - ScaleY(24);
  OpenNpcapPage.Width := NpcapPageShown.SurfaceWidth;
  OpenNpcapPage.Caption := 'Open the Npcap download page when setup finishes';
  OpenNpcapPage.Checked := False;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  ErrorCode: Integer;
begin
  if (CurStep = ssDone) and (OpenNpcapPage <> nil) and OpenNpcapPage.Checked
    and not WizardSilent() then
    ShellExec('open', '{#NpcapPage}', '', '', SW_SHOWNORMAL, ewNoWait, ErrorCode);
end;
