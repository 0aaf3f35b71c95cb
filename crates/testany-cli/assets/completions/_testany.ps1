
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'testany' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'testany'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'testany' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mock', 'mock', [CompletionResultType]::ParameterValue, 'Run the Testany emulator (MCP Streamable HTTP + log proxy) on loopback')
            [CompletionResult]::new('lsp', 'lsp', [CompletionResultType]::ParameterValue, 'Run the language server over stdio (for VS Code, Neovim and other LSP clients)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Failing cases of the latest executions, mapped to files (compiler-style report)')
            [CompletionResult]::new('tests', 'tests', [CompletionResultType]::ParameterValue, 'Every test of an execution''s cases, linked to its definition (compiler-style)')
            [CompletionResult]::new('executions', 'executions', [CompletionResultType]::ParameterValue, 'List, show or refresh executions')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print one case''s log (fetched through the guarded log fetch)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Start a pipeline, optionally waiting for it to finish')
            [CompletionResult]::new('pipeline', 'pipeline', [CompletionResultType]::ParameterValue, 'Show a pipeline')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Pass rate, runs, flaky and slowest cases of a pipeline')
            [CompletionResult]::new('analyze', 'analyze', [CompletionResultType]::ParameterValue, 'Per-test results, failures and project locations in a local log file')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Try everything in seconds: emulator, example project, a run and its report')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this installation: version, configuration, token, and the service (--service)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (the release archives ship them)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff; the release archives ship it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'testany;mock' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port on 127.0.0.1 (0 picks a free one)')
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'Scenario TOML file (default: the built-in examples/shop scenario)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Speed factor: scripted durations of new runs are divided by it')
            [CompletionResult]::new('--faults', '--faults', [CompletionResultType]::ParameterName, 'Faults, e.g. `latency=200ms,http500=every:3,expired_sign` (see the testany-mock README)')
            [CompletionResult]::new('--sse', '--sse', [CompletionResultType]::ParameterName, 'Answer MCP requests as SSE streams instead of JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;lsp' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;status' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON (shape: crates/testany-cli/README.md)')
            [CompletionResult]::new('--allow-unlinked', '--allow-unlinked', [CompletionResultType]::ParameterName, 'Exit 0 even when a failing test or case could not be linked to a file (the default is 1: a failure nobody can jump to is a failure of the setup too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;tests' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'A file or directory of the project (default: the current directory); the configuration is the nearest testany.toml at or above it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape: crates/testany-cli/README.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;executions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List recent executions, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one execution and its cases')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Ask the service to refresh an execution''s state, then show it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'testany;executions;list' {
            [CompletionResult]::new('--workspace', '--workspace', [CompletionResultType]::ParameterName, 'Workspace key (default: `workspace` of the configuration)')
            [CompletionResult]::new('--pipeline', '--pipeline', [CompletionResultType]::ParameterName, 'Pipeline key')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status or result, e.g. RUNNING or FAILED')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Earliest date (YYYY-MM-DD or RFC 3339)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Latest date (YYYY-MM-DD, inclusive, or RFC 3339)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape: crates/testany-cli/README.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;executions;show' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the execution as JSON (the canonical model shape)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;executions;refresh' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the refreshed execution as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;executions;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List recent executions, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one execution and its cases')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Ask the service to refresh an execution''s state, then show it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'testany;executions;help;list' {
            break
        }
        'testany;executions;help;show' {
            break
        }
        'testany;executions;help;refresh' {
            break
        }
        'testany;executions;help;help' {
            break
        }
        'testany;logs' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;run' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Seconds between two polls while waiting')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for the execution to finish (progress bar on a terminal); exit 1 if it failed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the final execution as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;pipeline' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a pipeline and its cases in run order')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'testany;pipeline;show' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the pipeline as JSON (the canonical model shape)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;pipeline;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a pipeline and its cases in run order')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'testany;pipeline;help;show' {
            break
        }
        'testany;pipeline;help;help' {
            break
        }
        'testany;health' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days to look back (UTC days, today included)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape: crates/testany-cli/README.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;analyze' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project directory locations are resolved in (default: the current directory)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (shape: crates/testany-cli/README.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;demo' {
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Speed factor of the emulator (the shop run takes 27 s at 1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;doctor' {
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON (shape: crates/testany-cli/README.md)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Also ask the configured service (an MCP session and `testany_list_pipelines`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'testany;help' {
            [CompletionResult]::new('mock', 'mock', [CompletionResultType]::ParameterValue, 'Run the Testany emulator (MCP Streamable HTTP + log proxy) on loopback')
            [CompletionResult]::new('lsp', 'lsp', [CompletionResultType]::ParameterValue, 'Run the language server over stdio (for VS Code, Neovim and other LSP clients)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Failing cases of the latest executions, mapped to files (compiler-style report)')
            [CompletionResult]::new('tests', 'tests', [CompletionResultType]::ParameterValue, 'Every test of an execution''s cases, linked to its definition (compiler-style)')
            [CompletionResult]::new('executions', 'executions', [CompletionResultType]::ParameterValue, 'List, show or refresh executions')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print one case''s log (fetched through the guarded log fetch)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Start a pipeline, optionally waiting for it to finish')
            [CompletionResult]::new('pipeline', 'pipeline', [CompletionResultType]::ParameterValue, 'Show a pipeline')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Pass rate, runs, flaky and slowest cases of a pipeline')
            [CompletionResult]::new('analyze', 'analyze', [CompletionResultType]::ParameterValue, 'Per-test results, failures and project locations in a local log file')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Try everything in seconds: emulator, example project, a run and its report')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this installation: version, configuration, token, and the service (--service)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell (the release archives ship them)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff; the release archives ship it)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'testany;help;mock' {
            break
        }
        'testany;help;lsp' {
            break
        }
        'testany;help;status' {
            break
        }
        'testany;help;tests' {
            break
        }
        'testany;help;executions' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List recent executions, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one execution and its cases')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Ask the service to refresh an execution''s state, then show it')
            break
        }
        'testany;help;executions;list' {
            break
        }
        'testany;help;executions;show' {
            break
        }
        'testany;help;executions;refresh' {
            break
        }
        'testany;help;logs' {
            break
        }
        'testany;help;run' {
            break
        }
        'testany;help;pipeline' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a pipeline and its cases in run order')
            break
        }
        'testany;help;pipeline;show' {
            break
        }
        'testany;help;health' {
            break
        }
        'testany;help;analyze' {
            break
        }
        'testany;help;demo' {
            break
        }
        'testany;help;doctor' {
            break
        }
        'testany;help;completions' {
            break
        }
        'testany;help;man' {
            break
        }
        'testany;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
