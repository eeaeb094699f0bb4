# SPDX-License-Identifier: MIT
# The label names of a labels file, one a line, for the shell completions
# (bash, zsh, fish call it; installed in $datadir/epithet/). Cheap on
# purpose: block-style YAML only, the file itself only (no extends, no
# JSON, no forge), and never an error: what it cannot read gives no names.
#
# A `- name: X` item is a label when the nearest block key above it, at a
# smaller indent (or the same, for the compact `labels:\n- name:` style),
# is `labels` (top-level or inside a set), or when the file is a plain
# top-level list. Set and target names are not labels.
#
#   awk -f label-names.awk labels.yml

function unquote(v) {
	sub(/^[ \t]+/, "", v)
	sub(/[ \t]+#.*$/, "", v)
	sub(/[ \t]+$/, "", v)
	if (v ~ /^".*"$/ || v ~ /^'.*'$/)
		v = substr(v, 2, length(v) - 2)
	return v
}

# Forget the block keys that a line at column `col` closes (those at
# column >= col; with `keep_equal`, those at column > col).
function close_blocks(col, keep_equal) {
	while (depth > 0 && (key_col[depth] > col || (!keep_equal && key_col[depth] == col)))
		depth--
}

BEGIN { depth = 0 }

/^[ \t]*(#|$)/ { next }
/^(---|\.\.\.)/ { next }

{
	line = $0
	match(line, /^ */)
	col = RLENGTH
	rest = substr(line, col + 1)
	if (rest ~ /^- /) {
		close_blocks(col, 1)
		item = substr(rest, 3)
		match(item, /^ */)
		kcol = col + 2 + RLENGTH
		item = substr(item, RLENGTH + 1)
		if (item ~ /^name:[ \t]/ && (depth == 0 ? col == 0 : key[depth] == "labels")) {
			name = unquote(substr(item, 6))
			if (name != "")
				print name
		}
		rest = item
		col = kcol
	}
	if (rest ~ /^[A-Za-z0-9_-]+:[ \t]*(#.*)?$/) {
		close_blocks(col, 0)
		k = rest
		sub(/:.*/, "", k)
		depth++
		key[depth] = k
		key_col[depth] = col
	} else if (rest ~ /^[A-Za-z0-9_-]+:/) {
		close_blocks(col, 0)
	}
}
