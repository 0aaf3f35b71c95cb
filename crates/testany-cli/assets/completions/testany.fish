# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_testany_global_optspecs
    string join \n h/help V/version
end

function __fish_testany_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_testany_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_testany_using_subcommand
    set -l cmd (__fish_testany_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c testany -n "__fish_testany_needs_command" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_needs_command" -s V -l version -d 'Print version'
complete -c testany -n "__fish_testany_needs_command" -f -a "mock" -d 'Run the Testany emulator (MCP Streamable HTTP + log proxy) on loopback'
complete -c testany -n "__fish_testany_needs_command" -f -a "lsp" -d 'Run the language server over stdio (for VS Code, Neovim and other LSP clients)'
complete -c testany -n "__fish_testany_needs_command" -f -a "status" -d 'Failing cases of the latest executions, mapped to files (compiler-style report)'
complete -c testany -n "__fish_testany_needs_command" -f -a "tests" -d 'Every test of an execution\'s cases, linked to its definition (compiler-style)'
complete -c testany -n "__fish_testany_needs_command" -f -a "executions" -d 'List, show or refresh executions'
complete -c testany -n "__fish_testany_needs_command" -f -a "logs" -d 'Print one case\'s log (fetched through the guarded log fetch)'
complete -c testany -n "__fish_testany_needs_command" -f -a "run" -d 'Start a pipeline, optionally waiting for it to finish'
complete -c testany -n "__fish_testany_needs_command" -f -a "pipeline" -d 'Show a pipeline'
complete -c testany -n "__fish_testany_needs_command" -f -a "health" -d 'Pass rate, runs, flaky and slowest cases of a pipeline'
complete -c testany -n "__fish_testany_needs_command" -f -a "analyze" -d 'Per-test results, failures and project locations in a local log file'
complete -c testany -n "__fish_testany_needs_command" -f -a "demo" -d 'Try everything in seconds: emulator, example project, a run and its report'
complete -c testany -n "__fish_testany_needs_command" -f -a "doctor" -d 'Check this installation: version, configuration, token, and the service (--service)'
complete -c testany -n "__fish_testany_needs_command" -f -a "completions" -d 'Print the completion script for a shell (the release archives ship them)'
complete -c testany -n "__fish_testany_needs_command" -f -a "man" -d 'Print the man page (roff; the release archives ship it)'
complete -c testany -n "__fish_testany_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c testany -n "__fish_testany_using_subcommand mock" -l port -d 'Port on 127.0.0.1 (0 picks a free one)' -r
complete -c testany -n "__fish_testany_using_subcommand mock" -l scenario -d 'Scenario TOML file (default: the built-in examples/shop scenario)' -r -F
complete -c testany -n "__fish_testany_using_subcommand mock" -l speed -d 'Speed factor: scripted durations of new runs are divided by it' -r
complete -c testany -n "__fish_testany_using_subcommand mock" -l faults -d 'Faults, e.g. `latency=200ms,http500=every:3,expired_sign` (see the testany-mock README)' -r
complete -c testany -n "__fish_testany_using_subcommand mock" -l sse -d 'Answer MCP requests as SSE streams instead of JSON'
complete -c testany -n "__fish_testany_using_subcommand mock" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand lsp" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand status" -l json -d 'Print the report as JSON (shape: crates/testany-cli/README.md)'
complete -c testany -n "__fish_testany_using_subcommand status" -l allow-unlinked -d 'Exit 0 even when a failing test or case could not be linked to a file (the default is 1: a failure nobody can jump to is a failure of the setup too)'
complete -c testany -n "__fish_testany_using_subcommand status" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand tests" -l path -d 'A file or directory of the project (default: the current directory); the configuration is the nearest testany.toml at or above it' -r -F
complete -c testany -n "__fish_testany_using_subcommand tests" -l json -d 'Print JSON (shape: crates/testany-cli/README.md)'
complete -c testany -n "__fish_testany_using_subcommand tests" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand executions; and not __fish_seen_subcommand_from list show refresh help" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand executions; and not __fish_seen_subcommand_from list show refresh help" -f -a "list" -d 'List recent executions, newest first'
complete -c testany -n "__fish_testany_using_subcommand executions; and not __fish_seen_subcommand_from list show refresh help" -f -a "show" -d 'Show one execution and its cases'
complete -c testany -n "__fish_testany_using_subcommand executions; and not __fish_seen_subcommand_from list show refresh help" -f -a "refresh" -d 'Ask the service to refresh an execution\'s state, then show it'
complete -c testany -n "__fish_testany_using_subcommand executions; and not __fish_seen_subcommand_from list show refresh help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from list" -l workspace -d 'Workspace key (default: `workspace` of the configuration)' -r
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from list" -l pipeline -d 'Pipeline key' -r
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from list" -l status -d 'Status or result, e.g. RUNNING or FAILED' -r
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from list" -l from -d 'Earliest date (YYYY-MM-DD or RFC 3339)' -r
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from list" -l to -d 'Latest date (YYYY-MM-DD, inclusive, or RFC 3339)' -r
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from list" -l json -d 'Print JSON (shape: crates/testany-cli/README.md)'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from show" -l json -d 'Print the execution as JSON (the canonical model shape)'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from refresh" -l json -d 'Print the refreshed execution as JSON'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from refresh" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from help" -f -a "list" -d 'List recent executions, newest first'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one execution and its cases'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from help" -f -a "refresh" -d 'Ask the service to refresh an execution\'s state, then show it'
complete -c testany -n "__fish_testany_using_subcommand executions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c testany -n "__fish_testany_using_subcommand logs" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand run" -l interval -d 'Seconds between two polls while waiting' -r
complete -c testany -n "__fish_testany_using_subcommand run" -l wait -d 'Wait for the execution to finish (progress bar on a terminal); exit 1 if it failed'
complete -c testany -n "__fish_testany_using_subcommand run" -l json -d 'Print the final execution as JSON'
complete -c testany -n "__fish_testany_using_subcommand run" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand pipeline; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand pipeline; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Show a pipeline and its cases in run order'
complete -c testany -n "__fish_testany_using_subcommand pipeline; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c testany -n "__fish_testany_using_subcommand pipeline; and __fish_seen_subcommand_from show" -l json -d 'Print the pipeline as JSON (the canonical model shape)'
complete -c testany -n "__fish_testany_using_subcommand pipeline; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand pipeline; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a pipeline and its cases in run order'
complete -c testany -n "__fish_testany_using_subcommand pipeline; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c testany -n "__fish_testany_using_subcommand health" -l days -d 'Days to look back (UTC days, today included)' -r
complete -c testany -n "__fish_testany_using_subcommand health" -l json -d 'Print JSON (shape: crates/testany-cli/README.md)'
complete -c testany -n "__fish_testany_using_subcommand health" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand analyze" -l root -d 'The project directory locations are resolved in (default: the current directory)' -r -F
complete -c testany -n "__fish_testany_using_subcommand analyze" -l json -d 'Print JSON (shape: crates/testany-cli/README.md)'
complete -c testany -n "__fish_testany_using_subcommand analyze" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand demo" -l speed -d 'Speed factor of the emulator (the shop run takes 27 s at 1)' -r
complete -c testany -n "__fish_testany_using_subcommand demo" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand doctor" -l json -d 'Print the report as JSON (shape: crates/testany-cli/README.md)'
complete -c testany -n "__fish_testany_using_subcommand doctor" -l service -d 'Also ask the configured service (an MCP session and `testany_list_pipelines`)'
complete -c testany -n "__fish_testany_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand completions" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand man" -s h -l help -d 'Print help'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "mock" -d 'Run the Testany emulator (MCP Streamable HTTP + log proxy) on loopback'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "lsp" -d 'Run the language server over stdio (for VS Code, Neovim and other LSP clients)'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "status" -d 'Failing cases of the latest executions, mapped to files (compiler-style report)'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "tests" -d 'Every test of an execution\'s cases, linked to its definition (compiler-style)'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "executions" -d 'List, show or refresh executions'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "logs" -d 'Print one case\'s log (fetched through the guarded log fetch)'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "run" -d 'Start a pipeline, optionally waiting for it to finish'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "pipeline" -d 'Show a pipeline'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "health" -d 'Pass rate, runs, flaky and slowest cases of a pipeline'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "analyze" -d 'Per-test results, failures and project locations in a local log file'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "demo" -d 'Try everything in seconds: emulator, example project, a run and its report'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "doctor" -d 'Check this installation: version, configuration, token, and the service (--service)'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "completions" -d 'Print the completion script for a shell (the release archives ship them)'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "man" -d 'Print the man page (roff; the release archives ship it)'
complete -c testany -n "__fish_testany_using_subcommand help; and not __fish_seen_subcommand_from mock lsp status tests executions logs run pipeline health analyze demo doctor completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c testany -n "__fish_testany_using_subcommand help; and __fish_seen_subcommand_from executions" -f -a "list" -d 'List recent executions, newest first'
complete -c testany -n "__fish_testany_using_subcommand help; and __fish_seen_subcommand_from executions" -f -a "show" -d 'Show one execution and its cases'
complete -c testany -n "__fish_testany_using_subcommand help; and __fish_seen_subcommand_from executions" -f -a "refresh" -d 'Ask the service to refresh an execution\'s state, then show it'
complete -c testany -n "__fish_testany_using_subcommand help; and __fish_seen_subcommand_from pipeline" -f -a "show" -d 'Show a pipeline and its cases in run order'
