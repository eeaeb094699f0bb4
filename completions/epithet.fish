# SPDX-License-Identifier: MIT
# fish completion for epithet(1): commands, options and their values, forge
# names (the plugins `epithet plugins` finds on the search path), label names
# (from the labels file: -c FILE or ./labels.yml, read locally), journals for
# undo. The options are checked against `epithet --help` by
# tests/docs/test_manual.py.

# label-names.awk is beside this file (source tree) or in ../../epithet/
# (installed in $datadir/fish/vendor_completions.d).
set -g __epithet_dir (path dirname (status current-filename))

set -l __epithet_commands list ensure delete rename sync plan export copy undo docs plugins help

function __epithet_bin
    set -l bin (commandline -opc)[1]
    if string match -q '*/*' -- $bin; and test -x $bin
        echo $bin
    else
        echo epithet
    end
end

# Forge names: the basename of every plugin file the binary finds (NAME is
# what --forge NAME loads).
function __epithet_forges
    set -l bin (__epithet_bin)
    $bin plugins --output json 2>/dev/null \
        | string match -r -g '"path": *"([^"]*)"' \
        | string replace -r '.*/' '' | string replace -r '\.so$' '' | sort -u
end

# Label names of -c/--config FILE, else ./labels.yml or ./labels.yaml.
function __epithet_labels
    set -l words (commandline -opc)
    set -l file
    for i in (seq 2 (count $words))
        switch $words[$i]
            case -c --config
                set file $words[(math $i + 1)]
            case '--config=*'
                set file (string replace -- --config= '' $words[$i])
        end
    end
    if test -z "$file"
        for f in labels.yml labels.yaml
            if test -f $f
                set file $f
                break
            end
        end
    end
    test -n "$file"; and test -r "$file"; or return
    for awkfile in $__epithet_dir/label-names.awk $__epithet_dir/../../epithet/label-names.awk
        if test -f $awkfile
            awk -f $awkfile $file 2>/dev/null
            return
        end
    end
end

function __epithet_journals
    set -l dir $HOME/.local/state
    set -q XDG_STATE_HOME; and set dir $XDG_STATE_HOME
    for f in $dir/epithet/journal/*.jsonl
        echo $f
    end
end

# The command given so far, or nothing.
function __epithet_command
    set -l words (commandline -opc)
    set -l skip 0
    for w in $words[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case --forge --url --api-url --org --repo --include --exclude --topic --config \
                --jobs --write-interval --max-wait --token-file --app-id --app-key --cacert \
                --output --color --description --from --out --format -F -u -o -r -c -j -d
                set skip 1
            case '-*'
            case '*'
                echo $w
                return
        end
    end
end

# True while the command is one of $argv and it has no argument yet.
function __epithet_first_arg_of
    set -l cmd (__epithet_command)
    contains -- "$cmd" $argv; or return 1
    set -l words (commandline -opc)
    test "$words[-1]" = "$cmd"
end

complete -c epithet -f
complete -c epithet -n "not __fish_seen_subcommand_from $__epithet_commands" -a "$__epithet_commands"
complete -c epithet -n "__fish_seen_subcommand_from help" -a "$__epithet_commands"

# Global options (before or after the command)
complete -c epithet -s F -l forge -x -a "(__epithet_forges) (__fish_complete_suffix .so)" -d 'forge plugin by name or .so path'
complete -c epithet -s u -l url -x -d 'forge base URL'
complete -c epithet -l api-url -x -d 'the exact API root'
complete -c epithet -s o -l org -x -d 'the organization or user'
complete -c epithet -s r -l repo -x -d 'one repository (OWNER/NAME, repeatable)'
complete -c epithet -l include -x -d 'only repos whose name matches'
complete -c epithet -l exclude -x -d 'skip repos whose name matches'
complete -c epithet -l topic -x -d 'only repos carrying this topic'
complete -c epithet -l archived -d 'also read archived repos'
complete -c epithet -l forks -d 'also manage forks'
complete -c epithet -l org-labels -d 'keep the labels once at owner level'
complete -c epithet -s c -l config -r -F -d 'labels file (YAML or JSON)'
complete -c epithet -s n -l dry-run -d 'print the plan, change nothing'
complete -c epithet -s y -l yes -d 'do not ask before destructive changes'
complete -c epithet -s j -l jobs -x -d 'parallel reads and writes'
complete -c epithet -l write-interval -x -d 'seconds between two writes'
complete -c epithet -l max-wait -x -d 'longest wait for a rate-limit reset'
complete -c epithet -l token-file -r -F -d 'read the token from a file'
complete -c epithet -l app-id -x -d 'GitHub App id'
complete -c epithet -l app-key -r -F -d 'GitHub App private key (PEM)'
complete -c epithet -l cacert -r -F -d 'extra CA bundle'
complete -c epithet -l output -x -a 'human json markdown' -d 'output format'
complete -c epithet -n "not __fish_seen_subcommand_from ensure" -l color -x -a 'auto always never' -d 'output colouring'
complete -c epithet -s v -l verbose -d 'log each HTTP request'
complete -c epithet -s q -l quiet -d 'only errors'
complete -c epithet -l version -d 'show the version'
complete -c epithet -s h -l help -d 'show help'

# Command options and arguments
complete -c epithet -n "__fish_seen_subcommand_from ensure" -l color -x -d 'the label colour (hex)'
complete -c epithet -n "__fish_seen_subcommand_from ensure" -s d -l description -x -d 'the label description'
complete -c epithet -n "__fish_seen_subcommand_from sync plan copy" -l prune -d 'also delete labels the file does not list'
complete -c epithet -n "__fish_seen_subcommand_from sync plan copy" -l prune=archive -d 'archive them instead, where the forge can'
complete -c epithet -n "__fish_seen_subcommand_from export" -l from -x -d 'one repo (OWNER/REPO)'
complete -c epithet -n "__fish_seen_subcommand_from export docs" -l out -r -F -d 'write to a file'
complete -c epithet -n "__fish_seen_subcommand_from docs" -l format -x -a 'markdown html' -d 'what to render'
complete -c epithet -n "__epithet_first_arg_of list ensure delete rename" -a "(__epithet_labels)" -d label
complete -c epithet -n "__epithet_first_arg_of undo" -a "(__epithet_journals)" -d journal
