; 年报助手 — Windows installer script for Inno Setup 6.3 or later (Unicode).
; Built by packaging\build.ps1, which first makes build\dist\nianbao\ with PyInstaller and runs its smoke test:
;     ISCC.exe /DAppVersion=0.1.0 packaging\nianbao.iss
; Without /DAppVersion the version is read back from nianbao.exe's version resource, which the spec makes
; from core.__version__ — so there is one version number.
;
; Per user, no administrator rights: the program goes to %LOCALAPPDATA%\Programs\年报助手 and the Start-menu
; shortcut to the user's own menu. (IT staff may still install for all users with /ALLUSERS on the command line.)
; The reports are NOT in the program folder but in %LOCALAPPDATA%\nianbao\nianbao (core/paths.py); the
; uninstaller removes only what it installed, so uninstalling or upgrading never touches the user's reports.
;
; Chinese wizard: Inno Setup ships no Simplified Chinese translation (ChineseSimplified.isl is an unofficial,
; user-contributed translation). Put it beside this script, or into Inno Setup's Languages folder, to get a
; Chinese wizard; without it the wizard is in English. This file is saved as UTF-8 with a BOM.

#define AppName "年报助手"
#define Dist AddBackslash(SourcePath) + "..\build\dist\nianbao"
#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(Dist + "\nianbao.exe")
#endif

[Setup]
AppId={{E9CB8E19-1B69-48E1-AC45-58B297D431F5}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=nianbao
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
; Qt 6 runs on 64-bit Windows 10 1809 (build 17763) or later, and Windows 11
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir={#SourcePath}..\build\installer
OutputBaseFilename=nianbao-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
LanguageDetectionMethod=uilanguage
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\nianbao.exe
CloseApplications=yes
SetupLogging=yes

[Languages]
#if FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chs"; MessagesFile: "{#SourcePath}ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the bundled libraries whole, so nothing of an older version lingers
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\nianbao.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\nianbao.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\nianbao.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; There is deliberately no [UninstallDelete] section: the user's data folder is never removed.
