# bash completion for mrv(1): its commands, each command's options, and
# the files they take (YAML for projects, methodologies and tables, JSON
# for verify, folders for --out and the search folders).  make install
# puts it in PREFIX/share/bash-completion/completions/mrv.

_mrv_files() { # PATTERN CUR: files matching PATTERN, and folders
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -X "!$1" -- "$2") $(compgen -d -- "$2"))
}

_mrv() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "run allocate check explain verify portfolio units
            help version --help --version" -- "$cur"))
        return 0
    fi
    local cmd=${COMP_WORDS[1]}
    local search="--methodologies --factors --help"
    local opts
    case $cmd in
    run) opts="--out --draws --seed --threads --quiet --json --portfolio
        --draws-out --projects $search" ;;
    allocate) opts="--sweep --out --draws --seed --threads --quiet --json
        $search" ;;
    check) opts="--quiet --json --projects $search" ;;
    explain) opts="--vintage --member --depth --json $search" ;;
    verify) opts="--project --allow-paths --threads --quiet --json $search" ;;
    portfolio) opts="--out --draws --seed --threads --quiet --json --list
        --draws-from --projects $search" ;;
    units) opts="--help" ;;
    *) return 0 ;;
    esac
    case $prev in
    --out | --methodologies | --factors | --projects | --draws-from)
        local IFS=$'\n'
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0
        ;;
    --project | --portfolio)
        _mrv_files '*.yaml' "$cur"
        return 0
        ;;
    --sweep)
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "split.buyer_share= split.buyer_volume=
            split.host_volume= deductions. authorized=" -- "$cur"))
        return 0
        ;;
    --draws | --seed | --threads | --vintage | --member | --depth)
        return 0 # a number or a name: nothing to offer
        ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return 0
    fi
    case $cmd in
    verify) _mrv_files '*.json' "$cur" ;;
    run | allocate | check | explain | portfolio) _mrv_files '*.yaml' "$cur" ;;
    esac
    return 0
}
complete -F _mrv mrv
