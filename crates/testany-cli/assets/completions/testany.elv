
use builtin;
use str;

set edit:completion:arg-completer[testany] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'testany'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'testany'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mock 'Run the Testany emulator (MCP Streamable HTTP + log proxy) on loopback'
            cand lsp 'Run the language server over stdio (for VS Code, Neovim and other LSP clients)'
            cand status 'Failing cases of the latest executions, mapped to files (compiler-style report)'
            cand tests 'Every test of an execution''s cases, linked to its definition (compiler-style)'
            cand executions 'List, show or refresh executions'
            cand logs 'Print one case''s log (fetched through the guarded log fetch)'
            cand run 'Start a pipeline, optionally waiting for it to finish'
            cand pipeline 'Show a pipeline'
            cand health 'Pass rate, runs, flaky and slowest cases of a pipeline'
            cand analyze 'Per-test results, failures and project locations in a local log file'
            cand demo 'Try everything in seconds: emulator, example project, a run and its report'
            cand doctor 'Check this installation: version, configuration, token, and the service (--service)'
            cand completions 'Print the completion script for a shell (the release archives ship them)'
            cand man 'Print the man page (roff; the release archives ship it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'testany;mock'= {
            cand --port 'Port on 127.0.0.1 (0 picks a free one)'
            cand --scenario 'Scenario TOML file (default: the built-in examples/shop scenario)'
            cand --speed 'Speed factor: scripted durations of new runs are divided by it'
            cand --faults 'Faults, e.g. `latency=200ms,http500=every:3,expired_sign` (see the testany-mock README)'
            cand --sse 'Answer MCP requests as SSE streams instead of JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;lsp'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;status'= {
            cand --json 'Print the report as JSON (shape: crates/testany-cli/README.md)'
            cand --allow-unlinked 'Exit 0 even when a failing test or case could not be linked to a file (the default is 1: a failure nobody can jump to is a failure of the setup too)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;tests'= {
            cand --path 'A file or directory of the project (default: the current directory); the configuration is the nearest testany.toml at or above it'
            cand --json 'Print JSON (shape: crates/testany-cli/README.md)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;executions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List recent executions, newest first'
            cand show 'Show one execution and its cases'
            cand refresh 'Ask the service to refresh an execution''s state, then show it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'testany;executions;list'= {
            cand --workspace 'Workspace key (default: `workspace` of the configuration)'
            cand --pipeline 'Pipeline key'
            cand --status 'Status or result, e.g. RUNNING or FAILED'
            cand --from 'Earliest date (YYYY-MM-DD or RFC 3339)'
            cand --to 'Latest date (YYYY-MM-DD, inclusive, or RFC 3339)'
            cand --json 'Print JSON (shape: crates/testany-cli/README.md)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;executions;show'= {
            cand --json 'Print the execution as JSON (the canonical model shape)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;executions;refresh'= {
            cand --json 'Print the refreshed execution as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;executions;help'= {
            cand list 'List recent executions, newest first'
            cand show 'Show one execution and its cases'
            cand refresh 'Ask the service to refresh an execution''s state, then show it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'testany;executions;help;list'= {
        }
        &'testany;executions;help;show'= {
        }
        &'testany;executions;help;refresh'= {
        }
        &'testany;executions;help;help'= {
        }
        &'testany;logs'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;run'= {
            cand --interval 'Seconds between two polls while waiting'
            cand --wait 'Wait for the execution to finish (progress bar on a terminal); exit 1 if it failed'
            cand --json 'Print the final execution as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;pipeline'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'Show a pipeline and its cases in run order'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'testany;pipeline;show'= {
            cand --json 'Print the pipeline as JSON (the canonical model shape)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;pipeline;help'= {
            cand show 'Show a pipeline and its cases in run order'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'testany;pipeline;help;show'= {
        }
        &'testany;pipeline;help;help'= {
        }
        &'testany;health'= {
            cand --days 'Days to look back (UTC days, today included)'
            cand --json 'Print JSON (shape: crates/testany-cli/README.md)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;analyze'= {
            cand --root 'The project directory locations are resolved in (default: the current directory)'
            cand --json 'Print JSON (shape: crates/testany-cli/README.md)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;demo'= {
            cand --speed 'Speed factor of the emulator (the shop run takes 27 s at 1)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;doctor'= {
            cand --json 'Print the report as JSON (shape: crates/testany-cli/README.md)'
            cand --service 'Also ask the configured service (an MCP session and `testany_list_pipelines`)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'testany;help'= {
            cand mock 'Run the Testany emulator (MCP Streamable HTTP + log proxy) on loopback'
            cand lsp 'Run the language server over stdio (for VS Code, Neovim and other LSP clients)'
            cand status 'Failing cases of the latest executions, mapped to files (compiler-style report)'
            cand tests 'Every test of an execution''s cases, linked to its definition (compiler-style)'
            cand executions 'List, show or refresh executions'
            cand logs 'Print one case''s log (fetched through the guarded log fetch)'
            cand run 'Start a pipeline, optionally waiting for it to finish'
            cand pipeline 'Show a pipeline'
            cand health 'Pass rate, runs, flaky and slowest cases of a pipeline'
            cand analyze 'Per-test results, failures and project locations in a local log file'
            cand demo 'Try everything in seconds: emulator, example project, a run and its report'
            cand doctor 'Check this installation: version, configuration, token, and the service (--service)'
            cand completions 'Print the completion script for a shell (the release archives ship them)'
            cand man 'Print the man page (roff; the release archives ship it)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'testany;help;mock'= {
        }
        &'testany;help;lsp'= {
        }
        &'testany;help;status'= {
        }
        &'testany;help;tests'= {
        }
        &'testany;help;executions'= {
            cand list 'List recent executions, newest first'
            cand show 'Show one execution and its cases'
            cand refresh 'Ask the service to refresh an execution''s state, then show it'
        }
        &'testany;help;executions;list'= {
        }
        &'testany;help;executions;show'= {
        }
        &'testany;help;executions;refresh'= {
        }
        &'testany;help;logs'= {
        }
        &'testany;help;run'= {
        }
        &'testany;help;pipeline'= {
            cand show 'Show a pipeline and its cases in run order'
        }
        &'testany;help;pipeline;show'= {
        }
        &'testany;help;health'= {
        }
        &'testany;help;analyze'= {
        }
        &'testany;help;demo'= {
        }
        &'testany;help;doctor'= {
        }
        &'testany;help;completions'= {
        }
        &'testany;help;man'= {
        }
        &'testany;help;help'= {
        }
    ]
    $completions[$command]
}
