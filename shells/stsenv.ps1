# stsenv shell integration for PowerShell (Windows PowerShell 5.1 and pwsh 7).
#
# Install (one line in your $PROFILE):
#   Invoke-Expression (& stsenv init powershell | Out-String)
# or dot-source this file from the installed package:  . /path/to/stsenv/shells/stsenv.ps1
#
# Defines a function `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...` and `stsenv unset` then change this session's
# environment directly. It evaluates stsenv's output only when stsenv exits 0;
# on failure nothing changes and $LASTEXITCODE is stsenv's exit code.
# Every other subcommand, and any call with --help, --version or --shell,
# runs the program unchanged.
function stsenv {
    # The program, never this function (on Windows, npm's stsenv.cmd).
    $program = Get-Command -Name stsenv -CommandType Application -ErrorAction Stop | Select-Object -First 1
    $command = $null
    $passThrough = $false
    foreach ($arg in $args) {
        $text = [string]$arg
        if ($text -ceq '--') { break }
        if (($text -cin '-h', '--help', '-V', '--version', '-s', '--shell') -or ($text -clike '--shell=*') -or ($text -clike '-s?*')) {
            $passThrough = $true
            break
        }
        if ($null -eq $command -and -not $text.StartsWith('-')) { $command = $text }
    }
    if ($passThrough -or $command -cnotin 'assume', 'session', 'web-identity', 'unset') {
        & $program @args
        return
    }
    # stsenv writes UTF-8; read it as UTF-8 whatever the console code page is.
    $savedEncoding = [Console]::OutputEncoding
    try {
        try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
        $lines = & $program --shell powershell @args
    } finally {
        try { [Console]::OutputEncoding = $savedEncoding } catch { }
    }
    if ($LASTEXITCODE -ne 0) { return }
    if ($lines) { $lines | Out-String | Invoke-Expression }
}
