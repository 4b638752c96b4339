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
