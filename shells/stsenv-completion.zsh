#compdef stsenv
# stsenv Tab completion for zsh.
#
# Install (one line in ~/.zshrc, after compinit):
#   eval "$(stsenv completion zsh)"
#
# At each Tab it runs `stsenv __complete WORD...` (the words after stsenv up
# to the cursor, the last the one being completed) and offers what that
# prints, one per line (VALUE, or VALUE<TAB>DESCRIPTION): commands, each
# command's options, formats, profile names from your AWS config. Nothing to
# offer: zsh completes file names.
_stsenv() {
  emulate -L zsh
  local line value
  local -a values shown
  for line in "${(@f)$(command stsenv __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
    [[ -n $line ]] || continue
    value=${line%%$'\t'*}
    values+=("$value")
    if [[ $line == *$'\t'* ]]; then shown+=("$value  -- ${line#*$'\t'}"); else shown+=("$value"); fi
  done
  if (( ${#values} == 0 )); then
    _files
    return
  fi
  compadd -l -d shown -a values
}
compdef _stsenv stsenv
