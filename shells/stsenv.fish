# stsenv shell integration for fish.
#
# Install (one line in ~/.config/fish/config.fish):
#   stsenv init fish | source
#
# Defines a function `stsenv`: `stsenv assume ...`, `stsenv session ...`,
# `stsenv web-identity ...` and `stsenv unset` then change this shell's
# environment directly. It evaluates stsenv's output only when stsenv exits 0;
# on failure nothing changes and the function returns stsenv's exit code.
# Every other subcommand, and any call with --help, --version or --shell,
# runs the program unchanged.
function stsenv --description 'stsenv: assume, session, web-identity and unset change this shell'
    set -l __stsenv_command
    for __stsenv_arg in $argv
        switch $__stsenv_arg
            case --
                break
            case -h --help -V --version -s '-s?*' --shell '--shell=*'
                command stsenv $argv
                return $status
            case '-*'
            case '*'
                test -z "$__stsenv_command"; and set __stsenv_command $__stsenv_arg
        end
    end
    switch "$__stsenv_command"
        case assume session web-identity unset
        case '*'
            command stsenv $argv
            return $status
    end
    # One string, so that values with line breaks arrive whole.
    set -l __stsenv_out (command stsenv --shell fish $argv | string collect)
    set -l __stsenv_status $pipestatus[1]
    if test $__stsenv_status -ne 0
        return $__stsenv_status
    end
    printf '%s\n' $__stsenv_out | source
    # `set -e` of a variable that was not set returns 4: success is stsenv's exit code.
    return 0
end
