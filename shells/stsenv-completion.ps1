# stsenv Tab completion for PowerShell (pwsh 7 and Windows PowerShell 5.1).
#
# Install (one line in your $PROFILE):
#   stsenv completion powershell | Out-String | Invoke-Expression
#
# At each Tab it runs `stsenv __complete WORD...` (the words after stsenv up
# to the cursor, the last the one being completed) and offers what that
# prints, one per line (VALUE, or VALUE<TAB>DESCRIPTION): commands, each
# command's options, formats, profile names from your AWS config. Nothing to
# offer: PowerShell completes file names.
Register-ArgumentCompleter -Native -CommandName stsenv -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # The program, never the function of `stsenv init powershell` (on Windows, npm's stsenv.cmd).
    $program = Get-Command -Name stsenv -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $program) { return }
    $words = @()
    foreach ($element in @($commandAst.CommandElements | Select-Object -Skip 1)) {
        if ($element.Extent.EndOffset -ge $cursorPosition) { break }
        $words += $element.Extent.Text
    }
    # An empty word reaches a program only as "" where PowerShell passes arguments the old way
    # (5.1, Legacy, and batch files such as stsenv.cmd in the Windows mode).
    $legacy = $PSVersionTable.PSVersion -lt [version]'7.3' -or $PSNativeCommandArgumentPassing -eq 'Legacy' -or
        ($PSNativeCommandArgumentPassing -eq 'Windows' -and $program.Path -match '\.(cmd|bat)$')
    $words += if ($wordToComplete -eq '' -and $legacy) { '""' } else { $wordToComplete }
    $savedEncoding = [Console]::OutputEncoding
    try {
        try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
        $lines = @(& $program __complete @words 2>$null)
    } finally {
        try { [Console]::OutputEncoding = $savedEncoding } catch { }
    }
    foreach ($line in $lines) {
        if (-not $line) { continue }
        $value, $description = $line -split "`t", 2
        if (-not $description) { $description = $value }
        $type = if ($value.StartsWith('-')) { 'ParameterName' } else { 'ParameterValue' }
        # PowerShell inserts the completion text as it is: a name with a character it would read
        # ($ ( ; ` a quote, a space...) goes in single quotes, each single quote doubled.
        $text = $value
        if ($value -match '[^\w./:=+-]') { $text = "'" + ($value -replace '[''\u2018\u2019\u201a\u201b]', '$0$0') + "'" }
        [System.Management.Automation.CompletionResult]::new($text, $value, $type, $description)
    }
}
