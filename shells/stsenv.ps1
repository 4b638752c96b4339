# stsenv shell integration for PowerShell (Windows PowerShell 5.1 and pwsh 7).
#
# Install (one line in your $PROFILE):
#   Invoke-Expression (& stsenv init powershell | Out-String)
# or dot-source this file from the installed package:  . /path/to/stsenv/shells/stsenv.ps1
#
# Defines a function `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...`, `stsenv export ...` and `stsenv unset` then change
# this session's environment directly; every other command line runs as it is.
# The function parses no option: it runs stsenv with STSENV_EVAL set and stsenv
# answers either the lines to evaluate or `::stsenv-run` (run me again as I am).
# It evaluates only after exit 0; on failure nothing changes and $LASTEXITCODE
# is stsenv's exit code.
function stsenv {
    # The program, never this function (on Windows, npm's stsenv.cmd).
    $program = Get-Command -Name stsenv -CommandType Application -ErrorAction Stop | Select-Object -First 1
    # stsenv writes UTF-8; read it as UTF-8 whatever the console code page is.
    # STSENV_EVAL is set for this one run only.
    $savedEncoding = [Console]::OutputEncoding
    $savedEval = $env:STSENV_EVAL
    try {
        try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
        $env:STSENV_EVAL = 'powershell'
        $lines = & $program @args
    } finally {
        if ($null -eq $savedEval) { Remove-Item -Path Env:STSENV_EVAL -ErrorAction SilentlyContinue } else { $env:STSENV_EVAL = $savedEval }
        try { [Console]::OutputEncoding = $savedEncoding } catch { }
    }
    if ($LASTEXITCODE -ne 0) { return }
    if (@($lines).Count -eq 1 -and [string]$lines -ceq '::stsenv-run') {
        & $program @args
        return
    }
    if ($lines) { $lines | Out-String | Invoke-Expression }
}
