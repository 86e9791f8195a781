# Builds the Windows one-folder bundle from nothing, following PyInstaller's documented usage:
#   dist\nianbao\nianbao.exe       the editor (no console window; double-click, file association)
#   dist\nianbao\nianbao-cli.exe   the same program for the command prompt (check, convert, --version, ...)
#   dist\nianbao-<version>-windows-x64.zip
#
#   powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1
#
# Needs 64-bit Python 3.11+ on PATH (or $env:PYTHON). Uses its own venv, build\bundle-venv.
# It cannot run on our Linux machines: CI runs it on Windows runners (.github/workflows/bundles.yml).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

function Invoke-Checked {
    param([string]$Exe, [Parameter(ValueFromRemainingArguments = $true)][string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $Arguments exited $LASTEXITCODE" }
}

$python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
$venv = "build\bundle-venv"
if (-not (Test-Path "$venv\Scripts\python.exe")) { Invoke-Checked $python -m venv $venv }
Invoke-Checked "$venv\Scripts\python.exe" -m pip install -q --upgrade pip
Invoke-Checked "$venv\Scripts\python.exe" -m pip install -q -e ".[bundle]"

if (Test-Path dist\nianbao) { Remove-Item -Recurse -Force dist\nianbao }
Invoke-Checked "$venv\Scripts\pyinstaller.exe" --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller packaging\nianbao.spec

$version = (& dist\nianbao\nianbao-cli.exe --version).Trim().Split(" ")[-1]
if ($LASTEXITCODE -ne 0) { throw "nianbao-cli.exe --version exited $LASTEXITCODE" }
$zip = "dist\nianbao-$version-windows-x64.zip"
Compress-Archive -Path dist\nianbao -DestinationPath $zip -Force
$mb = [math]::Round((Get-Item $zip).Length / 1MB, 1)
Write-Host "built dist\nianbao and $zip ($mb MB)"
