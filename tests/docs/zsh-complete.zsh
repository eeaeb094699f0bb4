# SPDX-License-Identifier: MIT
# What zsh's completion offers for a command line, as a person pressing Tab
# would get it: an interactive `zsh -f -i` in a pseudo-terminal (zsh/zpty)
# with FPATH_DIR first on $fpath and compinit run; every candidate that the
# completion adds is printed between \x01 and \x02, then \x03 ends the run.
#
#   zsh -f zsh-complete.zsh FPATH_DIR 'epithet --forge '
#
# Exits 77 when zsh has no zpty module (the caller skips).
zmodload zsh/zpty 2>/dev/null || exit 77
zpty z zsh -f -i
zpty -w z "PROMPT='' RPROMPT=''"
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
# compadd as the completion calls it, printing what it adds
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __hits; builtin compadd -A __hits "$@"
  local h; for h in $__hits; do print -rn -- $'"'"'\x01'"'"'$h$'"'"'\x02'"'"'; done
  builtin compadd "$@"
}'
zpty -w z 'zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" menu no'
zpty -w z 'finish() { print -rn -- $'"'"'\x03'"'"'; }; zle -N finish; bindkey "^T" finish'
# the line, Tab, then ^T: the end marker
zpty -n -w z "$2"$'\t'$'\x14'
local out
zpty -r z out '*'$'\x03'
zpty -d z
print -rn -- $out
