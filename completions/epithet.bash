# SPDX-License-Identifier: MIT
# bash completion for epithet(1): commands, options and their values, forge
# names (the plugins `epithet plugins` finds on the search path), label names
# (from the labels file: -c FILE or ./labels.yml, read locally), journals for
# undo. Self-contained: works with or without the bash-completion package.
# The options are checked against `epithet --help` by tests/docs/test_manual.py.

_epithet_commands="list ensure delete rename sync plan export copy undo docs plugins help"
_epithet_global_opts="--forge --url --api-url --org --repo --include --exclude --archived --forks
--topic --org-labels --config --dry-run --yes --jobs --write-interval --max-wait --token-file
--app-id --app-key --cacert --output --color --verbose --quiet --version --help"
# Options that take a value as the next word (long and short forms).
_epithet_value_opts="--forge -F --url -u --api-url --org -o --repo -r --include --exclude --topic
--config -c --jobs -j --write-interval --max-wait --token-file --app-id --app-key --cacert
--output --color --description -d --from --out --format"
# The directory this file is in: label-names.awk is beside it (source tree) or
# in ../../epithet/ (installed in $datadir/bash-completion/completions).
_epithet_dir=${BASH_SOURCE[0]%/*}

_epithet_command_opts()
{
	case $1 in
	ensure) echo "--description" ;;  # --color is global too
	sync | plan | copy) echo "--prune --prune=archive" ;;
	export) echo "--from --out" ;;
	docs) echo "--out --format" ;;
	esac
}

# Forge names: the basename of every plugin file the binary finds (NAME is
# what --forge NAME loads: the first NAME.so on the search path).
_epithet_forges()
{
	"${1:-epithet}" plugins --output json 2>/dev/null |
		grep -o '"path": *"[^"]*"' |
		sed -e 's/^"path": *"//' -e 's/"$//' -e 's,\\/,/,g' -e 's,.*/,,' -e 's/\.so$//' |
		sort -u
}

# Label names of the labels file given with -c/--config, else ./labels.yml or
# ./labels.yaml (YAML only: see label-names.awk).
_epithet_labels()
{
	local file=$1 awkfile f

	if [[ -z $file ]]; then
		for f in labels.yml labels.yaml; do
			[[ -f $f ]] && file=$f && break
		done
	fi
	[[ -n $file && -r $file ]] || return 0
	for f in "$_epithet_dir/label-names.awk" "$_epithet_dir/../../epithet/label-names.awk"; do
		[[ -f $f ]] && awkfile=$f && break
	done
	[[ -n $awkfile ]] && awk -f "$awkfile" "$file" 2>/dev/null
}

_epithet_journals()
{
	local dir=${XDG_STATE_HOME:-$HOME/.local/state}/epithet/journal

	[[ -d $dir ]] && compgen -f -X '!*.jsonl' -- "${1:-$dir/}"
}

# Add the words of the list $1 that start with $2.
_epithet_words()
{
	COMPREPLY+=($(compgen -W "$1" -- "$2"))
}

# Add the lines of $1 (label names, which may hold spaces or shell
# characters) that start with $2, quoted for the command line; no expansion.
_epithet_lines()
{
	local line

	while IFS= read -r line; do
		[[ -n $line && $line == "$2"* ]] && COMPREPLY+=("$(printf '%q' "$line")")
	done <<<"$1"
}

# Does the option word $1 take the next word as its value?
_epithet_takes_value()
{
	local w=$1

	[[ $w == -?* ]] || return 1
	if [[ $w == --* ]]; then
		[[ " ${_epithet_value_opts//$'\n'/ } " == *" $w "* ]]
		return
	fi
	# -nyj: bundled short options; the first one that takes a value takes
	# the rest of the word, or the next word when it is last.
	w=${w#-}
	while [[ -n $w ]]; do
		case ${w:0:1} in
		[Fuorcjd]) [[ ${#w} == 1 ]]; return ;;
		esac
		w=${w:1}
	done
	return 1
}

_epithet()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= config= eq=
	local i w n_args=0 bin=${COMP_WORDS[0]}

	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --opt=VALUE: bash splits it into "--opt" "=" "VALUE" when '=' is in
	# COMP_WORDBREAKS (eq=1), else it stays one word (eq=2).
	if [[ $cur == = ]]; then
		cur= eq=1
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]} eq=1
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*} cur=${cur#*=} eq=2
	fi
	[[ $bin == */* && -x $bin ]] || bin=epithet

	# The command, how many arguments it has so far, and -c FILE.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == --* && ${COMP_WORDS[i + 1]} == = ]]; then
			[[ $w == --config ]] && config=${COMP_WORDS[i + 2]}
			((i += 2))
			continue
		fi
		case $w in
		--config=*) config=${w#*=} ;;
		-*)
			if _epithet_takes_value "$w"; then
				[[ $w == --config || $w == -*c ]] && config=${COMP_WORDS[i + 1]}
				((i++))
			fi
			;;
		*)
			if [[ -z $cmd ]]; then
				cmd=$w
			else
				((n_args++))
			fi
			;;
		esac
	done

	COMPREPLY=()
	case $prev in
	--forge | -F)
		_epithet_words "$(_epithet_forges "$bin")" "$cur"
		[[ $cur == */* || $cur == .* ]] && COMPREPLY+=($(compgen -f -- "$cur"))
		;;
	--config | -c | --token-file | --app-key | --cacert | --out)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	--output) _epithet_words "human json markdown" "$cur" ;;
	--format) _epithet_words "markdown html" "$cur" ;;
	--color)
		# The output colouring, except after `ensure`, where --color is the
		# label's colour (hex digits: nothing to offer).
		[[ $cmd == ensure ]] || _epithet_words "auto always never" "$cur"
		;;
	--prune) [[ -n $eq ]] && _epithet_words "archive delete" "$cur" ;;
	esac
	if [[ -z $eq ]] && ! _epithet_takes_value "$prev"; then
		if [[ $cur == -* ]]; then
			_epithet_words "$_epithet_global_opts $(_epithet_command_opts "$cmd")" "$cur"
		elif [[ -z $cmd ]]; then
			_epithet_words "$_epithet_commands" "$cur"
		elif ((n_args == 0)); then
			case $cmd in
			help) _epithet_words "$_epithet_commands" "$cur" ;;
			list | ensure | delete | rename) _epithet_lines "$(_epithet_labels "$config")" "$cur" ;;
			undo) COMPREPLY=($(_epithet_journals "$cur")) ;;
			esac
		fi
	fi
	# One word with '=' (no '=' in COMP_WORDBREAKS): the reply replaces it whole.
	if [[ $eq == 2 ]]; then
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=$prev=${COMPREPLY[i]}
		done
	fi
	return 0
}

complete -F _epithet epithet
