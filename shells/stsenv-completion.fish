# stsenv Tab completion for fish.
#
# Install (one line in ~/.config/fish/config.fish):
#   stsenv completion fish | source
#
# At each Tab it runs `stsenv __complete WORD...` (the words after stsenv up
# to the cursor, the last the one being completed) and offers what that
# prints, one per line (VALUE, or VALUE<TAB>DESCRIPTION, fish's own form):
# commands, each command's options, formats, profile names from your AWS
# config. Nothing to offer: fish completes file names.
function __stsenv_complete
    set -l candidates (command stsenv __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)
    if test (count $candidates) -gt 0
        printf '%s\n' $candidates
    else
        __fish_complete_path (commandline -ct)
    end
end
complete -c stsenv -e
complete -c stsenv -f -a '(__stsenv_complete)'
