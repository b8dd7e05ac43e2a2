; Inno Setup script for ipdesk (Windows, per-user, no administrator rights needed).
; Build the bundle first on Windows:  python installers\build.py   ->  dist\ipdesk\
; then:  iscc installers\windows\ipdesk.iss   ->  dist\ipdesk-<version>-setup.exe
; The user's data (%LOCALAPPDATA%\ipdesk: the store, keys, received packages) is never
; touched by the uninstaller.

#define AppName "ipdesk"
#define AppNameZh "知识产权指标填报与核查"
#define AppVersion "0.1.0"
#define Root "..\.."

[Setup]
AppId={{6B1F3C0E-6D0A-4C2B-9A3E-1D2C3B4A5E60}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppNameZh} {#AppVersion}
AppPublisher=ipdesk
DefaultDirName={localappdata}\Programs\ipdesk
DefaultGroupName={#AppNameZh}
PrivilegesRequired=lowest
OutputDir={#Root}\dist
OutputBaseFilename=ipdesk-{#AppVersion}-setup
SetupIconFile={#Root}\resources\icons\ipdesk.ico
UninstallDisplayIcon={app}\ipdesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
ArchitecturesInstallIn64BitMode=x64compatible
ShowLanguageDialog=no

[Languages]
; Inno Setup ships ChineseSimplified.isl among its official translations
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
zh.DesktopIcon=在桌面创建快捷方式
en.DesktopIcon=Create a desktop shortcut
zh.Assoc=用 ipdesk 打开 .ipdx 数据包和 .ipdq 查询文件
en.Assoc=Open .ipdx packages and .ipdq questions with ipdesk
zh.PackageType=ipdesk 数据包
en.PackageType=ipdesk data package
zh.QueryType=ipdesk 查询文件
en.QueryType=ipdesk questions
zh.Launch=启动 ipdesk
en.Launch=Start ipdesk

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"
Name: "assoc"; Description: "{cm:Assoc}"

[Files]
Source: "{#Root}\dist\ipdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppNameZh}"; Filename: "{app}\ipdesk.exe"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppNameZh}"; Filename: "{app}\ipdesk.exe"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Software\Classes\.ipdx"; ValueType: string; ValueName: ""; ValueData: "ipdesk.package"; Flags: uninsdeletevalue; Tasks: assoc
Root: HKCU; Subkey: "Software\Classes\ipdesk.package"; ValueType: string; ValueName: ""; ValueData: "{cm:PackageType}"; Flags: uninsdeletekey; Tasks: assoc
Root: HKCU; Subkey: "Software\Classes\ipdesk.package\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\ipdesk.exe,0"; Tasks: assoc
Root: HKCU; Subkey: "Software\Classes\ipdesk.package\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ipdesk.exe"" ""%1"""; Tasks: assoc
Root: HKCU; Subkey: "Software\Classes\.ipdq"; ValueType: string; ValueName: ""; ValueData: "ipdesk.query"; Flags: uninsdeletevalue; Tasks: assoc
Root: HKCU; Subkey: "Software\Classes\ipdesk.query"; ValueType: string; ValueName: ""; ValueData: "{cm:QueryType}"; Flags: uninsdeletekey; Tasks: assoc
Root: HKCU; Subkey: "Software\Classes\ipdesk.query\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\ipdesk.exe,0"; Tasks: assoc
Root: HKCU; Subkey: "Software\Classes\ipdesk.query\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ipdesk.exe"" ""%1"""; Tasks: assoc

[Run]
Filename: "{app}\ipdesk.exe"; Description: "{cm:Launch}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only what the installer put there; %LOCALAPPDATA%\ipdesk (the user's store) stays
Type: filesandordirs; Name: "{app}\_internal"
