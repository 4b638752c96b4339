# stsenv shell integration for fish.
#
# Install (one line in ~/.config/fish/config.fish):
#   stsenv init fish | source
#
# Defines a function `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...`, `stsenv export ...` and `stsenv unset` then change
# this shell's environment directly; every other command line runs as it is.
# The function parses no option: it runs stsenv with STSENV_EVAL set and stsenv
# answers either the lines to evaluate or `::stsenv-run` (run me again as I am).
# It evaluates only after exit 0; on failure nothing changes and the function
# returns stsenv's exit code.
function stsenv --description 'stsenv: its credential commands change this shell'
    # One string, so that values with line breaks arrive whole.
    set -l __stsenv_out (STSENV_EVAL=fish command stsenv $argv | string collect)
    set -l __stsenv_status $pipestatus[1]
    if test $__stsenv_status -ne 0
        return $__stsenv_status
    end
    if test "$__stsenv_out" = '::stsenv-run'
        command stsenv $argv
        return $status
    end
    printf '%s\n' $__stsenv_out | source
    # The lines end with status 0, but success is stsenv's exit code whatever they end with.
    return 0
end

# Long sessions (README "Long sessions"). The function above records how the
# credentials were obtained (STSENV_REQUEST) and when they expire
# (STSENV_EXPIRES_EPOCH). At each prompt of an interactive shell this hook
# compares that with the clock (fish has none of its own: one `date`, and only
# while stsenv's credentials are set); only when less than STSENV_REFRESH_BEFORE
# is left (10m, 1h, seconds; default 5m; 0 or off: never) does it run
# `stsenv refresh`, at most once a minute. A failed refresh keeps the
# credentials; once they have expired it says so, once.
# STSENV_PROMPT (`deploy 42m`) is set for prompts, as stsenv_prompt prints it.
function __stsenv_threshold --description 'STSENV_REFRESH_BEFORE in seconds; nothing when off'
    set -l v $STSENV_REFRESH_BEFORE
    test -n "$v"; or set v 5m
    contains -- $v 0 off OFF Off; and return
    set -l total 0
    while test -n "$v"
        set -l m (string match -r '^(\d+)([hms]?)(.*)$' -- $v)
        or begin
            echo 300
            return
        end
        set -l unit 1
        switch $m[3]
            case h
                set unit 3600
            case m
                set unit 60
        end
        set total (math "$total + $m[2] * $unit")
        set v $m[4]
    end
    test $total -gt 0; and echo $total
end

function __stsenv_left --argument-names now --description 'Sets STSENV_PROMPT: deploy 42m'
    set -g STSENV_PROMPT
    string match -qr '^[0-9]+$' -- "$STSENV_EXPIRES_EPOCH"; or return
    set -l label stsenv
    set -q STSENV_LABEL; and set label $STSENV_LABEL
    set -l m (math --scale=0 "($STSENV_EXPIRES_EPOCH - $now) / 60")
    if test $STSENV_EXPIRES_EPOCH -le $now
        set -g STSENV_PROMPT "$label expired"
    else if test $m -lt 60
        set -g STSENV_PROMPT "$label "$m"m"
    else
        set -g STSENV_PROMPT "$label "(math --scale=0 "$m / 60")h(string pad -w 2 -c 0 (math "$m % 60"))m
    end
end

function stsenv_prompt --description 'The credentials stsenv set and their time left: deploy 42m'
    string match -qr '^[0-9]+$' -- "$STSENV_EXPIRES_EPOCH"; or return 0
    __stsenv_left (date +%s)
    printf '%s\n' $STSENV_PROMPT
end

function __stsenv_hook --on-event fish_prompt
    if not string match -qr '^[0-9]+$' -- "$STSENV_EXPIRES_EPOCH"
        set -g STSENV_PROMPT
        return
    end
    set -l now (date +%s)
    __stsenv_left $now
    set -q STSENV_REQUEST[1]; or return
    set -l before (__stsenv_threshold)
    test -n "$before"; or return
    test $now -lt (math "$STSENV_EXPIRES_EPOCH - $before"); and return
    if test "$__stsenv_failed" = "$STSENV_EXPIRES_EPOCH" -a $now -ge $STSENV_EXPIRES_EPOCH
        if test "$__stsenv_said" != "$STSENV_EXPIRES_EPOCH"
            set -g __stsenv_said $STSENV_EXPIRES_EPOCH
            printf 'stsenv: the credentials of %s expired at %s; stsenv refresh tries again\n' "$STSENV_LABEL" "$AWS_CREDENTIAL_EXPIRATION" >&2
        end
        return
    end
    set -q __stsenv_retry; and test $now -lt $__stsenv_retry; and return
    set -g __stsenv_retry (math "$now + 60")
    if stsenv refresh
        set -g __stsenv_failed
    else
        set -g __stsenv_failed $STSENV_EXPIRES_EPOCH
    end
    __stsenv_left (date +%s)
end

# Only interactive shells have prompts: a script never refreshes on its own.
status is-interactive; or functions --erase __stsenv_hook
