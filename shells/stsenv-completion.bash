# stsenv Tab completion for bash.
#
# Install (one line in ~/.bashrc):
#   eval "$(stsenv completion bash)"
#
# At each Tab it runs `stsenv __complete WORD...` (the words after stsenv up
# to the cursor, the last the one being completed) and offers what that
# prints, one per line (VALUE, or VALUE<TAB>DESCRIPTION): commands, each
# command's options, formats, profile names from your AWS config. Nothing to
# offer: bash completes file names (-o default).
_stsenv_complete() {
  local line=${COMP_LINE:0:COMP_POINT} cur=${COMP_WORDS[COMP_CWORD]} candidate prefix
  local -a words
  # Words as typed, split at blanks only: COMP_WORDS is also split at = and :
  # (COMP_WORDBREAKS), which would cut --shell=fish and role ARNs apart.
  local IFS=$' \t\n'
  read -r -a words <<<"$line"
  if [[ -z $line || $line == *[[:blank:]] ]]; then words+=(''); fi
  words=("${words[@]:1}")
  # bash replaces only COMP_WORDS' part of the word: what comes before it is left as it is.
  prefix=${words[${#words[@]}-1]}
  prefix=${prefix%"$cur"}
  COMPREPLY=()
  while IFS= read -r candidate; do
    candidate=${candidate%%$'\t'*}
    # bash inserts a reply as it is: quoted (%q), a profile name such as pw$(cmd) stays one literal word.
    if [[ $candidate == "$prefix"* ]]; then
      candidate=${candidate#"$prefix"}
      [[ -z $candidate ]] || printf -v candidate '%q' "$candidate"
      COMPREPLY+=("$candidate")
    fi
  done < <(command stsenv __complete "${words[@]}" 2>/dev/null)
}
complete -o default -F _stsenv_complete stsenv
