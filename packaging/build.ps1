# Build nianbao on Windows: the PyInstaller bundle, its smoke test, then the Inno Setup installer.
#
#     powershell -ExecutionPolicy Bypass -File packaging\build.ps1 [-Iscc PATH] [-SkipInstaller]
#
# Needs uv (https://docs.astral.sh/uv/) and, for the installer, Inno Setup 6.3 or later (ISCC.exe on PATH,
# in its default folder, or given with -Iscc). Output: build\dist\nianbao\ (the program folder) and
# build\installer\nianbao-VERSION-setup.exe. Stops with a non-zero exit code when any step fails.
# (ASCII only: Windows PowerShell 5.1 misreads a script without BOM in other encodings.)
param(
    [string]$Iscc = "",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root

function Invoke-Native([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

# A separate environment with only the app's dependencies and PyInstaller (see build.sh).
$env:UV_PROJECT_ENVIRONMENT = Join-Path $root "build\venv"
$started = Get-Date
# Python 3.12+: PySide6 6.12 drops references to None/True, fatal on 3.11 (see ui/__init__.py); on 3.12 they
# are immortal. uv fetches 3.12 if it is missing (.python-version names it).
Invoke-Native "uv sync" { uv sync --quiet --python 3.12 --no-default-groups --group packaging }
Invoke-Native "PyInstaller" {
    uv run --no-sync pyinstaller --noconfirm --clean --log-level WARN `
        --distpath build\dist --workpath build\work packaging\nianbao.spec
}
$bundle = Join-Path $root "build\dist\nianbao"
$megabytes = [math]::Round((Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB)
$seconds = [math]::Round(((Get-Date) - $started).TotalSeconds)
Write-Host "bundle: $bundle ($megabytes MB), built in $seconds s"

# The exe is windowed (no console output): wait for it, take its exit code, show its line from the log.
$smoke = Start-Process -FilePath (Join-Path $bundle "nianbao.exe") -ArgumentList "--smoke-test" -Wait -PassThru
$log = Join-Path $env:LOCALAPPDATA "nianbao\nianbao\logs\nianbao.log"
if (Test-Path $log) {
    Get-Content $log -Encoding UTF8 -Tail 200 | Select-String "smoke test" | Select-Object -Last 1 | ForEach-Object { Write-Host $_.Line }
}
if ($smoke.ExitCode -ne 0) {
    throw "the frozen app's smoke test failed (exit code $($smoke.ExitCode)); see $log"
}
if ($SkipInstaller) { exit 0 }

if (-not $Iscc) {
    $found = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    $candidates = @(
        $(if ($found) { $found.Source }),
        (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
    )
    $Iscc = $candidates | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
    if (-not $Iscc) { throw "ISCC.exe (Inno Setup 6) not found: install it or pass -Iscc PATH" }
}
$version = (uv run --no-sync python -c "import core; print(core.__version__)").Trim()
Invoke-Native "ISCC" { & $Iscc "/DAppVersion=$version" (Join-Path $root "packaging\nianbao.iss") }
Write-Host "installer: $(Join-Path $root "build\installer\nianbao-$version-setup.exe")"
