# stsenv shell integration for nushell.
#
# Install: save it once, then source it from config.nu:
#   mkdir $nu.default-config-dir; stsenv init nu | save --force ($nu.default-config-dir | path join stsenv.nu)
#   source stsenv.nu          # in config.nu (a path relative to config.nu's folder)
#
# Defines a command `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...`, `stsenv export ...` and `stsenv unset` then change
# this shell's environment directly; every other command line runs as it is.
# It parses no option: it runs stsenv with STSENV_EVAL set and stsenv answers
# either the variables to load (JSON lines) or `::stsenv-run` (run me again as
# I am). A failure is stsenv's error ($env.LAST_EXIT_CODE is its exit code)
# and changes nothing.
def --env --wrapped stsenv [...args: string] {
    let out = (with-env { STSENV_EVAL: nu } { ^stsenv ...$args })
    if $out == '::stsenv-run' {
        ^stsenv ...$args
    } else {
        let changes = ($out | from json --strict --objects)
        load-env ($changes | where value != null | reduce --fold {} {|change, vars| $vars | insert $change.name $change.value })
        hide-env --ignore-errors ...($changes | where value == null | get name)
    }
}

# Long sessions (README "Long sessions"). The command above records how the
# credentials were obtained (STSENV_REQUEST) and when they expire
# (STSENV_EXPIRES_EPOCH). Before each prompt this pre_prompt hook compares
# that with nushell's clock, starting no process; only when less than
# STSENV_REFRESH_BEFORE is left (10m, 1h, seconds; default 5m; 0 or off:
# never) does it run `stsenv refresh`, at most once a minute. A failed refresh
# keeps the credentials; once they have expired it says so, once.
# `stsenv-prompt` answers `deploy 42m` for a prompt.
def "stsenv-prompt" [] {
    let expires = ($env.STSENV_EXPIRES_EPOCH? | default '')
    if ($expires !~ '^[0-9]+$') { return '' }
    let label = ($env.STSENV_LABEL? | default 'stsenv')
    let left = ($expires | into int) - (date now | format date '%s' | into int)
    if $left <= 0 { return $"($label) expired" }
    let m = ($left // 60)
    if $m < 60 { return $"($label) ($m)m" }
    $"($label) ($m // 60)h($m mod 60 | fill --alignment right --character '0' --width 2)m"
}

def "stsenv-threshold" [] {
    let text = ($env.STSENV_REFRESH_BEFORE? | default '')
    let text = if $text == '' { '5m' } else { $text }
    if $text in ['0' 'off' 'OFF' 'Off'] { return 0 }
    let parts = ($text | parse --regex '^(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s?)?$')
    if ($parts | is-empty) { return 300 }
    let p = ($parts | first)
    let n = {|v| if ($v | is-empty) { 0 } else { $v | into int } }
    (do $n $p.h) * 3600 + (do $n $p.m) * 60 + (do $n $p.s)
}

$env.__STSENV_HOOK = { retry: 0, failed: '', said: '' }
$env.config = ($env.config | upsert hooks.pre_prompt (($env.config.hooks.pre_prompt? | default []) | append {||
    let expires = ($env.STSENV_EXPIRES_EPOCH? | default '')
    if ($env.STSENV_REQUEST? | is-empty) or ($expires !~ '^[0-9]+$') { return }
    let before = (stsenv-threshold)
    let now = (date now | format date '%s' | into int)
    let expires_at = ($expires | into int)
    if $before == 0 or $now < ($expires_at - $before) { return }
    let state = $env.__STSENV_HOOK
    if $state.failed == $expires and $now >= $expires_at {
        if $state.said != $expires {
            $env.__STSENV_HOOK = ($state | upsert said $expires)
            print --stderr $"stsenv: the credentials of ($env.STSENV_LABEL? | default 'stsenv') expired at ($env.AWS_CREDENTIAL_EXPIRATION? | default ''); stsenv refresh tries again"
        }
        return
    }
    if $now < $state.retry { return }
    let ok = (try { stsenv refresh; true } catch { false })
    $env.__STSENV_HOOK = ($state | upsert retry ($now + 60) | upsert failed (if $ok { '' } else { $expires }))
}))
