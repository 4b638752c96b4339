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

# Long sessions (README "Long sessions"). The function above records how the
# credentials were obtained (STSENV_REQUEST) and when they expire
# (STSENV_EXPIRES_EPOCH). At each prompt this hook compares that with the
# clock, in PowerShell itself; only when less than STSENV_REFRESH_BEFORE is
# left (10m, 1h, seconds; default 5m; 0 or off: never) does it run
# `stsenv refresh`, at most once a minute. A failed refresh keeps the
# credentials; once they have expired it says so, once. Scripts have no prompt
# and never refresh. It wraps the prompt defined before it: put this after
# your own prompt (or starship's init) in $PROFILE.
function stsenv_prompt {
    $expires = 0L
    if (-not [long]::TryParse([string]$env:STSENV_EXPIRES_EPOCH, [ref]$expires)) { return }
    $label = if ($env:STSENV_LABEL) { $env:STSENV_LABEL } else { 'stsenv' }
    $left = $expires - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($left -le 0) { return "$label expired" }
    $minutes = [math]::Floor($left / 60)
    if ($minutes -lt 60) { return "$label ${minutes}m" }
    return ('{0} {1}h{2:00}m' -f $label, [math]::Floor($minutes / 60), ($minutes % 60))
}

function __stsenv_hook {
    $expires = 0L
    if (-not $env:STSENV_REQUEST -or -not [long]::TryParse([string]$env:STSENV_EXPIRES_EPOCH, [ref]$expires)) { return }
    $before = [string]$env:STSENV_REFRESH_BEFORE
    if ($before -eq '') { $before = '5m' }
    if ($before -in '0', 'off') { return }
    $seconds = 300L
    if ($before -match '^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$') {
        $seconds = 3600L * [long]('0' + $Matches[1]) + 60L * [long]('0' + $Matches[2]) + [long]('0' + $Matches[3])
        if ($seconds -eq 0) { return }
    }
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($now -lt $expires - $seconds) { return }
    if ($global:__stsenv_failed -eq $expires -and $now -ge $expires) {
        if ($global:__stsenv_said -ne $expires) {
            $global:__stsenv_said = $expires
            [Console]::Error.WriteLine("stsenv: the credentials of $env:STSENV_LABEL expired at $env:AWS_CREDENTIAL_EXPIRATION; stsenv refresh tries again")
        }
        return
    }
    if ($null -ne $global:__stsenv_retry -and $now -lt $global:__stsenv_retry) { return }
    $global:__stsenv_retry = $now + 60
    $exitCode = $global:LASTEXITCODE
    # PowerShell keeps what a prompt function writes to stderr: its one line goes to the console.
    stsenv refresh 2>&1 | ForEach-Object { [Console]::Error.WriteLine([string]$_) }
    $global:__stsenv_failed = if ($global:LASTEXITCODE -eq 0) { $null } else { $expires }
    $global:LASTEXITCODE = $exitCode
}

if (-not (Test-Path -Path Function:__stsenv_previous_prompt)) {
    $function:__stsenv_previous_prompt = $function:prompt
    # The prompt first: it may show $? and $LASTEXITCODE of the user's command.
    function prompt {
        $text = __stsenv_previous_prompt
        __stsenv_hook
        $text
    }
}
