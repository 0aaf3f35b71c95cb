-- Tests of the plugin's own parts (no server): that it carries no second engine, the
-- highlight groups and buffer of a `testany/logView` result, log opening, command
-- arguments, quickfix conversion, floats, the :checkhealth report of a doctor report,
-- help tags.
local H = require('harness')

--- A `testany/logView` result (docs/protocol.md) for a three-line log.
local function view_of(uri)
  local plain =
    { fg = vim.NIL, bg = vim.NIL, bold = false, dim = false, italic = false, underline = false, inverse = false }
  return {
    uri = uri,
    text = 'one\ntwo\nthree',
    styles = {
      {
        line = 1,
        spans = { { text = 'two', style = vim.tbl_extend('force', plain, { fg = { kind = 'basic', index = 1 } }) } },
      },
    },
    failureLines = { 1 },
    firstFailure = 1,
    frames = {},
  }
end

return function()
  -- Issue 16: the server is the one engine; the plugin renders what it returns. Each
  -- pattern is a piece of what ansi.lua, frames.lua and health.lua's TOML reader held.
  H.group('the plugin carries no second engine', function()
    local root = vim.g.testany_plugin_root
    local files = vim.fs.find(function(name)
      return name:match('%.lua$') ~= nil
    end, { path = root, limit = math.huge, type = 'file' })
    local modules = {}
    for _, f in ipairs(files) do
      local rel = f:sub(#root + 2)
      if rel:match('^lua/') then
        modules[#modules + 1] = rel
      end
    end
    table.sort(modules)
    H.eq('the plugin modules', modules, {
      'lua/testany/commands.lua',
      'lua/testany/health.lua',
      'lua/testany/hl.lua',
      'lua/testany/init.lua',
      'lua/testany/log.lua',
    })
    local forbidden = {
      { 'an escape byte (ANSI parsing)', '\\27' },
      { 'an escape byte (ANSI parsing)', '\\x1[bB]' },
      { 'an escape byte (ANSI parsing)', 'char%(27%)' },
      { 'SGR handling', 'sgr' },
      { 'TOML parsing', 'parse_toml' },
      { 'TOML parsing', 'key = value' },
      { 'configuration rules', 'loopback' },
      { 'marker scanning', 'testany:%%s' },
      { 'frame resolution', 'suffix' },
      { 'frame resolution', 'MAX_FILES' },
      { 'a failure-line rule', 'Traceback' },
      { 'reading files (logs, testany.toml)', 'io%.open' },
      { 'polling', 'new_timer' },
      { 'polling', 'defer_fn' },
      { 'polling', 'timer_start' },
      { 'polling', 'vim%.wait%(' },
      -- Issue 16: the server sanitises every display string (convert::display).
      { 'a second sanitiser', 'strtrans' },
      -- Pipelines come from the server's data, not from an execution key's shape.
      { 'an execution key taken apart', 'execution[%w_.]*:%a+%(' },
      -- Durations come as the server's text (core's plan::format_duration).
      { 'duration formatting', '%.duration_ms' },
      { 'duration formatting', '%.mean_ms' },
      { 'duration formatting', '%.max_ms' },
    }
    local found = {}
    for _, f in ipairs(files) do
      local rel = f:sub(#root + 2)
      if not rel:match('^tests/') then
        local text = table.concat(vim.fn.readfile(f, 'b'), '\n')
        for _, rule in ipairs(forbidden) do
          if text:lower():find(rule[2]:lower()) then
            found[#found + 1] = rel .. ': ' .. rule[1] .. ' (' .. rule[2] .. ')'
          end
        end
      end
    end
    H.eq('no Lua file parses ANSI or TOML, scans markers, resolves frames or polls', found, {})
  end)

  H.group('highlight groups for the server styles', function()
    local hl = require('testany.hl')
    local plain =
      { fg = vim.NIL, bg = vim.NIL, bold = false, dim = false, italic = false, underline = false, inverse = false }
    local function with(t)
      return vim.tbl_extend('force', plain, t)
    end
    H.eq('styles', {
      hl.style(with({ fg = { kind = 'basic', index = 1 }, bold = true })),
      hl.style(with({ fg = { kind = 'indexed', index = 196 }, italic = true })),
      hl.style(with({ bg = { kind = 'rgb', r = 1, g = 2, b = 300 }, underline = true })),
      hl.style(with({ fg = { kind = 'indexed', index = 244 } })),
      hl.style(with({ dim = true, inverse = true })),
      hl.style(vim.NIL),
      hl.style(with({ fg = { kind = 'basic' } })),
    }, {
      { fg = '#cd3131', fg_n = 1, bold = true },
      { fg = '#ff0000', fg_n = 196, italic = true },
      { bg = '#0102ff', underline = true },
      { fg = '#808080', fg_n = 244 },
    })
    local name = hl.group({ fg = '#cd3131', fg_n = 1, bold = true })
    H.eq('group name', name, 'TestanyLog_cd3131_x_b')
    local want = { fg = 0xcd3131, ctermfg = 1, bold = true, cterm = { bold = true }, default = true }
    H.eq('the group is defined', vim.api.nvim_get_hl(0, { name = name }), want)
    vim.cmd('highlight clear')
    hl.redefine()
    H.eq('hl.redefine restores groups after :highlight clear', vim.api.nvim_get_hl(0, { name = name }), want)
  end)

  H.group('log view', function()
    local log = require('testany.log')
    local plain =
      { fg = vim.NIL, bg = vim.NIL, bold = false, dim = false, italic = false, underline = false, inverse = false }
    local red_bold = vim.tbl_extend('force', plain, { fg = { kind = 'basic', index = 1 }, bold = true })
    local v_lines, v_spans, v_frames, v_failures = log.from_view({
      uri = 'file:///c/1.log',
      text = 'Running\n/b/t.py:20: Error\nü<U+202E>x\nplain',
      styles = {
        { line = 1, spans = { { text = '/b/t.py', style = red_bold }, { text = ':20: Error', style = plain } } },
        {
          line = 2,
          spans = {
            {
              text = 'ü<U+202E>',
              style = vim.tbl_extend('force', plain, { bg = { kind = 'rgb', r = 1, g = 2, b = 255 } }),
            },
            { text = 'x', style = vim.tbl_extend('force', plain, { dim = true }) },
          },
        },
        { line = 9, spans = { { text = 'beyond the log', style = red_bold } } },
      },
      failureLines = { 1, 9 },
      firstFailure = 1,
      frames = {
        { logLine = 1, uri = 'file:///ws/t.py', line = 19, column = vim.NIL },
        { logLine = 1, uri = 'file:///ws/u.py', line = 2, column = 5 },
        { logLine = 'x', uri = 'file:///ws/t.py', line = 1 },
      },
    })
    H.eq(
      'log.from_view lines: the server text as is',
      v_lines,
      { 'Running', '/b/t.py:20: Error', 'ü<U+202E>x', 'plain' }
    )
    H.eq('log.from_view spans: byte columns', v_spans, {
      {},
      { { 0, 7, { fg = '#cd3131', fg_n = 1, bold = true } } },
      { { 0, 10, { bg = '#0102ff' } } },
      {},
    })
    H.eq('log.from_view frames by 1-based row', v_frames, {
      ['2'] = { { file = '/ws/t.py', line = 20 }, { file = '/ws/u.py', line = 3, col = 5 } },
    })
    H.eq('log.from_view failure lines: 1-based, inside the log', v_failures, { 2 })
    H.eq(
      'log.from_view of nonsense',
      { log.from_view({ text = vim.NIL, styles = vim.NIL, frames = 3 }) },
      { { '' }, { {} }, {}, {} }
    )
  end)

  H.group('log opening: the server view, showDocument, command result, no double split', function()
    local testany = require('testany')
    local path = vim.fn.resolve(vim.fn.tempname()) .. '/testany/logs/X-1/0.log'
    local uri = vim.uri_from_fname(path)
    local asked = {}
    local fake = {}
    function fake.request(_, method, params, handler)
      asked[#asked + 1] = { method, params }
      handler(nil, view_of(uri))
      return true, 1
    end
    local real = testany.client
    testany.client = function()
      return fake
    end
    local ok, err = pcall(function()
      vim.cmd('silent! only')
      local show = testany.server_config().handlers['window/showDocument']
      local started = vim.uv.hrtime()
      local res = show(nil, { uri = uri, selection = { start = { line = 2, character = 0 } } }, { client_id = -1 })
      H.eq('showDocument of a log answers success', res, { success = true })
      H.eq('the view is asked of the server', asked, { { 'testany/logView', { execution = 'X-1', caseIndex = 0 } } })
      H.wait(2000, function()
        return #vim.api.nvim_tabpage_list_wins(0) == 2
      end)
      H.eq('the log is in a split', #vim.api.nvim_tabpage_list_wins(0), 2)
      H.eq('showDocument log content', vim.api.nvim_buf_get_lines(0, 0, -1, false), { 'one', 'two', 'three' })
      H.eq('showDocument selection line', vim.api.nvim_win_get_cursor(0), { 3, 0 })
      local marks = vim.api.nvim_buf_get_extmarks(0, require('testany.log').ns, 0, -1, { details = true })
      H.eq(
        'the styled span is highlighted',
        marks[1] and { marks[1][2], marks[1][3], marks[1][4].end_col, marks[1][4].hl_group },
        { 1, 0, 3, 'TestanyLog_cd3131_x_' }
      )
      vim.cmd('wincmd p')
      testany.on_open_log_result({ uri = uri, line = 0 }, nil, started)
      vim.wait(50)
      H.eq('the result of the same command opens nothing more', {
        #vim.api.nvim_tabpage_list_wins(0),
        vim.api.nvim_buf_get_name(0):match('^testany://') ~= nil,
      }, { 2, false })
      vim.cmd('silent! only')
      testany.on_open_log_result({ uri = uri }, nil, vim.uv.hrtime())
      H.wait(2000, function()
        return #vim.api.nvim_tabpage_list_wins(0) == 2
      end)
      H.eq('a result without showDocument opens the log on the first failure line', {
        #vim.api.nvim_tabpage_list_wins(0),
        vim.api.nvim_buf_get_name(0),
        vim.api.nvim_win_get_cursor(0),
      }, { 2, 'testany://log/' .. path, { 2, 0 } })
      testany.on_open_log_result({ uri = 'file:///etc/passwd', line = 0 }, nil, nil)
      H.eq('results that are not testany logs are ignored', vim.api.nvim_buf_get_name(0), 'testany://log/' .. path)
    end)
    testany.client = real
    vim.cmd('silent! only')
    H.truthy('log opening ran', ok, err)
  end)

  -- Issue 16: the fallback that rendered the file here (its own ANSI parser, failure
  -- rule and frame finder) is gone; without a server nothing is rendered.
  H.group('without a server the log viewer says so and renders nothing', function()
    local testany = require('testany')
    local real, notify = testany.client, vim.notify
    local said = {}
    testany.client = function()
      return nil
    end
    vim.notify = function(msg, level)
      said[#said + 1] = { msg, level }
    end
    local ok, res = pcall(require('testany.log').open, 'file:///c/testany/logs/X-1/0.log', nil, nil)
    testany.client, vim.notify = real, notify
    H.eq('log.open without a server', { ok, res, #vim.api.nvim_tabpage_list_wins(0) }, { true, false, 1 })
    H.eq('what it says', said, {
      { 'testany: the log viewer needs the Testany server (testany lsp), and none is running', vim.log.levels.ERROR },
    })
  end)

  H.group('command arguments are sent as JSON objects', function()
    local testany = require('testany')
    local commands = require('testany.commands')
    local sent = {}
    local function record(method, params)
      sent[#sent + 1] = method .. ' ' .. vim.json.encode(params.arguments)
    end
    -- client:request(...) on 0.11+, client.request(...) before.
    local fake = {}
    fake.request = function(first, ...)
      if first == fake then
        return record(...)
      end
      return record(first, ...)
    end
    local real = testany.client
    testany.client = function()
      return fake
    end
    local ok, err = pcall(function()
      commands.failures({ args = '' })
      commands.failures({ args = '7' })
      testany.exec('testany.showExecution', nil, function() end)
      testany.exec('testany.showExecution', {}, function() end)
    end)
    testany.client = real
    H.truthy('commands ran', ok, err)
    -- Regression: an empty Lua table was encoded as `[]` ("invalid length 0, expected
    -- struct Args with 2 elements" from the server).
    H.eq('encoded arguments', sent, {
      'workspace/executeCommand [{}]',
      'workspace/executeCommand [{"days":7}]',
      'workspace/executeCommand [{}]',
      'workspace/executeCommand [{}]',
    })
  end)

  H.group('which diagnostic changes refresh the lenses', function()
    local f = require('testany')._testany_diagnostics
    H.eq('Testany, cleared, absent, other source, mixed', {
      f({ { source = 'testany', message = 'FAILED' } }),
      f({}),
      f(nil),
      f({ { source = 'pyright', message = 'x' } }),
      f({ { source = 'pyright' }, { source = 'testany' } }),
    }, { true, true, true, false, true })
  end)

  H.group('quickfix conversion', function()
    local commands = require('testany.commands')
    local result = {
      {
        case_key = 'B7E4C2A9',
        execution = 'SHP-0601-0000C',
        result = 'FAILED',
        message = 'AssertionError: assert 24.3 == 27.0',
        locations = {
          {
            location = { path = '/b/tests/test_cart.py', line = 20, message = 'AssertionError: x' },
            file = 'tests/test_cart.py',
          },
          { location = { path = '/b/unknown.py', line = 3 }, file = vim.NIL },
        },
      },
      {
        case_key = 'E5B1C7D3',
        message = 'account should be locked',
        locations = { { uri = 'file:///r/tests/test_login.py', range = { start = { line = 20, character = 4 } } } },
      },
      {
        -- The server's shape: uri + 0-based line + 1-based column.
        caseKey = '0A7D3E9B',
        result = vim.NIL,
        category = 'timeout',
        error = 'TimeoutError: locator.toBeVisible',
        locations = {
          {
            uri = 'file:///r/web/tests/checkout.spec.ts',
            path = 'web/tests/checkout.spec.ts',
            line = 14,
            column = 52,
            message = vim.NIL,
          },
        },
      },
      { case_key = 'Z', message = 'only a marker', file = 'x.py', line = 7 },
      'junk',
      {
        -- An older failure of the first case at the same place, twice in one row.
        caseKey = 'B7E4C2A9',
        execution = 'SHP-0601-0000A',
        result = 'FAILED',
        locations = {
          { uri = 'file:///r/tests/test_cart.py', line = 19, message = 'other text' },
          { uri = 'file:///r/tests/test_cart.py', line = 19 },
        },
      },
      {
        caseKey = 'B7E4C2A9',
        execution = 'SHP-0601-00009',
        locations = { { uri = 'file:///r/tests/test_cart.py', line = 19 } },
      },
    }
    H.eq('quickfix_items', commands.quickfix_items(result, '/r'), {
      {
        filename = '/r/tests/test_cart.py',
        lnum = 20,
        col = 1,
        text = 'FAILED B7E4C2A9: AssertionError: x (failed in 3 runs)',
        type = 'E',
      },
      {
        filename = '/r/tests/test_login.py',
        lnum = 21,
        col = 5,
        text = 'E5B1C7D3: account should be locked',
        type = 'E',
      },
      {
        filename = '/r/web/tests/checkout.spec.ts',
        lnum = 15,
        col = 52,
        text = 'TIMEOUT 0A7D3E9B: TimeoutError: locator.toBeVisible',
        type = 'E',
      },
      { filename = '/r/x.py', lnum = 7, col = 1, text = 'Z: only a marker', type = 'E' },
    })
    H.eq('quickfix_items of a wrapped result', #commands.quickfix_items({ failures = { result[4] } }, '/r'), 1)
    -- Issue 16: the server sanitises display text (docs/protocol.md); the entry shows it
    -- as it came, on one line.
    H.eq(
      "quickfix_items show the server's display text on one line",
      commands.quickfix_items({
        {
          caseKey = 'K',
          result = 'FAILED',
          error = 'boom␛]0;title␇␍<U+202E>x\nmore\tend',
          file = 'x.py',
          line = 1,
        },
      }, '/r')[1].text,
      'FAILED K: boom␛]0;title␇␍<U+202E>x more\tend'
    )
    H.eq('quickfix_items of nonsense', commands.quickfix_items(vim.NIL, '/r'), {})
  end)

  H.group("floats show the server's display text", function()
    local commands = require('testany.commands')
    local buf, win = commands.float(
      commands.execution_lines({
        key = 'E-1',
        result = 'FAILED',
        environment = 'st<U+202E>g',
        cases = { { case_key = 'K1', name = 'n␛[2J␀x\ny', result = 'FAILED' } },
      }),
      'T'
    )
    H.eq('execution float lines', vim.api.nvim_buf_get_lines(buf, 0, -1, false), {
      'E-1 FAILED st<U+202E>g',
      '  FAILED   K1 n␛[2J␀x y',
    })
    vim.api.nvim_win_close(win, true)
  end)

  -- Issue 16: durations are the server's text (core's plan::format_duration), shown as
  -- given; the plugin formats no milliseconds (it printed `1.5s` for 1,500 ms).
  H.group("floats show the server's duration texts", function()
    local commands = require('testany.commands')
    H.eq(
      'execution lines',
      commands.execution_lines({
        key = 'E-2',
        status = 'COMPLETED',
        result = 'PASSED',
        duration_ms = 120000,
        duration_text = '2m',
        cases = {
          { case_key = 'A1', result = 'PASSED', duration_ms = 1500, duration_text = '1s' },
          { case_key = 'B2', name = 'pay', result = 'PASSED', duration_ms = 135000, duration_text = '2m 15s' },
          { case_key = 'C3', result = 'PASSED', duration_ms = 4000, duration_text = vim.NIL },
        },
      }),
      {
        'E-2 PASSED 2m',
        '  PASSED   A1  1s',
        '  PASSED   B2 pay 2m 15s',
        '  PASSED   C3',
      }
    )
    H.eq(
      'health lines',
      commands.health_lines({
        days = 7,
        from = '2026-11-20',
        to = '2026-11-26',
        runs = 3,
        passed = 2,
        failed = 1,
        other = 0,
        pass_rate = 2 / 3,
        flaky = {},
        slowest = {
          {
            case_key = 'K1',
            name = 'pay',
            runs = 3,
            mean_ms = 1500,
            max_ms = 120000,
            mean_text = '1s',
            max_text = '2m',
          },
          { case_key = 'K2', name = vim.NIL, runs = 1, mean_ms = 850, max_ms = 850 },
        },
      }, 'SHP-0601'),
      {
        'Pipeline SHP-0601, last 7 days (2026-11-20 .. 2026-11-26)',
        'runs 3 · passed 2 · failed 1 · other 0 · pass rate 66.7%',
        '',
        'Slowest cases:',
        '  K1 pay: mean 1s, max 2m',
        '  K2 : mean ?, max ?',
      }
    )
  end)

  H.group('checkhealth: what testany doctor reports', function()
    local health = require('testany.health')
    local function flat(sections)
      local out = {}
      for _, s in ipairs(sections) do
        out[#out + 1] = '## ' .. s.name
        for _, it in ipairs(s.items) do
          out[#out + 1] = it[1] .. ': ' .. it[2]
          for _, a in ipairs(it[3] or {}) do
            out[#out + 1] = '  advice: ' .. a
          end
        end
      end
      return out
    end
    local valid = {
      version = '0.1.0',
      binary = '/bin/testany',
      config = {
        file = '/p/testany.toml',
        found = true,
        valid = true,
        url = 'http://x/',
        workspace = 'SHP',
        pipelines = { 'A', 'B' },
      },
      token = { variable = 'TESTANY_TOKEN', present = true },
      service = { url = 'http://x/', reachable = true, protocol = '2025-06-18', pipelines = 2 },
    }
    H.eq('a valid project and a live service', flat(health.sections(valid, nil, '/bin/testany')), {
      '## testany: binary',
      'ok: testany 0.1.0 (/bin/testany)',
      '## testany: configuration',
      'ok: found /p/testany.toml',
      'ok: valid: workspace SHP, pipelines A, B',
      '## testany: token',
      'ok: TESTANY_TOKEN is set',
      '## testany: service',
      'ok: http://x/ answers (MCP 2025-06-18, 2 pipelines)',
    })
    valid.service.pipelines = 1
    local one = flat(health.sections(valid, nil, '/bin/testany'))
    H.eq('one pipeline is singular', one[#one], 'ok: http://x/ answers (MCP 2025-06-18, 1 pipeline)')
    valid.service.pipelines = 2
    local invalid = {
      version = '0.1.0',
      config = {
        file = '/p/testany.toml',
        found = true,
        valid = false,
        error = '/p/testany.toml line 2: expected `=` after the key `url`',
        pipelines = {},
      },
      token = { variable = 'TESTANY_TOKEN', present = false },
    }
    H.eq(
      'an invalid configuration: the binary sentence, no service asked',
      flat(health.sections(invalid, nil, '/bin/testany')),
      {
        '## testany: binary',
        'ok: testany 0.1.0 (/bin/testany)',
        '## testany: configuration',
        'ok: found /p/testany.toml',
        'error: /p/testany.toml line 2: expected `=` after the key `url`',
        '## testany: token',
        'info: TESTANY_TOKEN is not set (needed by the hosted service, not by `testany mock`)',
        '## testany: service',
        'warn: not asked: no valid configuration',
      }
    )
    local env_only = vim.deepcopy(valid)
    env_only.config.file = nil
    env_only.config.pipelines = {}
    env_only.service = { url = 'http://x/', reachable = false, error = 'could not connect' }
    H.eq(
      'configured by the environment, no pipelines, service down',
      vim.list_slice(flat(health.sections(env_only, nil, '/b')), 3, 9),
      {
        '## testany: configuration',
        'ok: no testany.toml; using TESTANY_URL',
        'ok: valid: workspace SHP, pipelines none',
        'warn: no `pipelines`: no executions will feed the editor',
        '## testany: token',
        'ok: TESTANY_TOKEN is set',
        '## testany: service',
      }
    )
    -- Issue 18: a missing binary comes with how to install it.
    local missing = flat(health.sections(nil, '`testany` not found on PATH', ''))
    H.eq('a missing binary: how to install it', missing, {
      '## testany: binary',
      'error: `testany` not found on PATH',
      '  advice: Mason: `:MasonInstall testany` (editors/nvim/mason/package.yaml)',
      '  advice: installer script from the release page (`testany-cli-installer.sh` / `.ps1`), or unpack `testany-cli-<target>.tar.xz` onto your PATH',
      '  advice: `cargo binstall testany-cli` (prebuilt) or `cargo install testany-cli` (builds from source)',
      '  advice: or point `cmd` in `require("testany").setup({ cmd = { "/path/to/testany", "lsp" } })` at it',
    })
    H.eq(
      'a binary without doctor: its reason, no install advice',
      flat(health.sections(nil, 'no report', '/old/testany')),
      {
        '## testany: binary',
        'error: no report',
      }
    )
    local report, reason = health.doctor(vim.fn.getcwd(), { bin = vim.fn.exepath('false') })
    H.eq('doctor with a binary that gives no report', { report, reason }, {
      nil,
      ('`%s doctor --json` gave no report (exit 1); a `testany` with `doctor` is needed'):format(
        vim.fn.exepath('false')
      ),
    })
  end)

  -- Issue 18: installable without a checkout. The rockspec installs what rocks.nvim needs;
  -- the Mason package names one cargo-dist archive per release target.
  H.group('install: the rockspec and the Mason package', function()
    local root = vim.g.testany_plugin_root
    local spec = {}
    local chunk = assert(loadfile(root .. '/testany.nvim-scm-1.rockspec'))
    setfenv(chunk, spec)
    chunk()
    H.eq('rockspec', {
      spec.rockspec_format,
      spec.package,
      spec.version,
      spec.build.type,
      spec.build.copy_directories,
      spec.source.dir:match('/editors/nvim$') ~= nil,
    }, { '3.0', 'testany.nvim', 'scm-1', 'builtin', { 'doc', 'lsp', 'plugin' }, true })
    local missing = {}
    for _, dir in ipairs(vim.list_extend({ 'lua/testany' }, spec.build.copy_directories)) do
      if vim.fn.isdirectory(root .. '/' .. dir) == 0 then
        missing[#missing + 1] = dir
      end
    end
    H.eq('the rockspec directories exist', missing, {})

    local yaml = table.concat(vim.fn.readfile(root .. '/mason/package.yaml'), '\n')
    local assets = {}
    for target, file, bin in yaml:gmatch('%- target: (%S+)%s+file: (%S+)%s+bin: (%S+)') do
      assets[#assets + 1] = { target, file, bin }
    end
    -- The release targets: cargo-dist's configuration when it exists, else issue 18's list.
    local repo = root .. '/../..'
    local dist = vim.fn.filereadable(repo .. '/dist-workspace.toml') == 1
        and table.concat(vim.fn.readfile(repo .. '/dist-workspace.toml'), '\n')
      or table.concat(vim.fn.readfile(repo .. '/Cargo.toml'), '\n'):match('%[workspace%.metadata%.dist%](.*)')
    local triples = {}
    for t in ((dist or ''):match('\ntargets%s*=%s*(%b[])') or ''):gmatch('"([^"]+)"') do
      triples[#triples + 1] = t
    end
    if #triples == 0 then
      triples = {
        'aarch64-apple-darwin',
        'aarch64-unknown-linux-gnu',
        'aarch64-unknown-linux-musl',
        'x86_64-apple-darwin',
        'x86_64-unknown-linux-gnu',
        'x86_64-unknown-linux-musl',
        'x86_64-pc-windows-msvc',
      }
    end
    local mason_target = {
      ['x86_64-unknown-linux-gnu'] = 'linux_x64_gnu',
      ['x86_64-unknown-linux-musl'] = 'linux_x64_musl',
      ['aarch64-unknown-linux-gnu'] = 'linux_arm64_gnu',
      ['aarch64-unknown-linux-musl'] = 'linux_arm64_musl',
      ['x86_64-apple-darwin'] = 'darwin_x64',
      ['aarch64-apple-darwin'] = 'darwin_arm64',
      ['x86_64-pc-windows-msvc'] = 'win_x64',
    }
    local want = {}
    for _, t in ipairs(triples) do
      local windows = t:match('windows') ~= nil
      want[#want + 1] = {
        mason_target[t] or ('unknown target ' .. t),
        ('testany-cli-%s.%s'):format(t, windows and 'zip' or 'tar.xz'),
        windows and 'testany.exe' or ('testany-cli-%s/testany'):format(t),
      }
    end
    local function by_target(a, b)
      return a[1] < b[1]
    end
    table.sort(want, by_target)
    table.sort(assets, by_target)
    H.eq('one Mason asset per release target, named as cargo-dist names them', assets, want)
    H.truthy('the Mason source is a GitHub release', yaml:match('\n  id: pkg:github/[%w_.-]+/[%w_.-]+@v%d') ~= nil)
  end)

  -- Issue 15: per-test entries of testany/caseStates (docs/protocol.md) in quickfix, in
  -- the :TestanyTests list, and the local command of a test in a terminal.
  local function states_fixture()
    local function t(file, line, name, state, extra)
      return vim.tbl_extend('force', {
        uri = 'file:///w/' .. file,
        line = line,
        key = '5A1C9E07',
        name = name,
        state = state,
        execution = 'SHP-0603-0000C',
        pipeline = 'SHP-0603',
        stale = false,
        testId = file .. '::' .. name,
        caseIndex = 0,
        caseName = 'API tests (pytest)',
        logLine = line + 100,
      }, extra or {})
    end
    return {
      -- A marker case: no testId.
      {
        uri = 'file:///w/tests/test_cart.py',
        line = 3,
        key = '1A2B3C4D',
        name = 'Cart',
        state = 'failed',
        execution = 'SHP-0601-0000C',
        pipeline = 'SHP-0601',
        stale = false,
      },
      -- A test of that marker case: listed per test like any other case's.
      t('tests/test_cart.py', 6, 'test_cart_total', 'failed', {
        key = '1A2B3C4D',
        execution = 'SHP-0601-0000C',
        pipeline = 'SHP-0601',
        message = 'assert 3 == 4',
      }),
      t('tests/api/test_orders.py', 5, 'test_create_order_returns_201', 'passed'),
      t('tests/api/test_orders.py', 14, 'test_order_total_includes_tax', 'failed', {
        message = "AssertionError: assert Decimal('107.98') == Decimal('107.99')",
        expected = "Decimal('107.99')",
        actual = "Decimal('107.98')",
      }),
      t('tests/api/test_refunds.py', 12, 'TestRefunds.test_refund_of_a_gift_card_order', 'failed', {
        message = 'AssertionError: refund rejected\n(second line)',
      }),
      t('tests/api/test_refunds.py', 15, 'TestRefunds.test_partial_refund', 'skipped'),
      t('src/test/java/com/acme/shop/OrderTest.java', 14, 'orderTotalIncludesTax', 'error', {
        key = '8D4FC13A',
        caseIndex = 3,
        caseName = 'Unit tests (Maven)',
        testId = 'com.acme.shop.OrderTest#orderTotalIncludesTax',
      }),
    }
  end

  H.group('per-test failures in quickfix (caseStates test entries)', function()
    local commands = require('testany.commands')
    local states = states_fixture()
    H.eq('test_failure_items', commands.test_failure_items(states), {
      {
        filename = '/w/tests/test_cart.py',
        lnum = 7,
        col = 1,
        text = 'test_cart_total: assert 3 == 4',
        type = 'E',
      },
      {
        filename = '/w/tests/api/test_orders.py',
        lnum = 15,
        col = 1,
        text = "test_order_total_includes_tax: AssertionError: assert Decimal('107.98') == Decimal('107.99')",
        type = 'E',
      },
      {
        filename = '/w/tests/api/test_refunds.py',
        lnum = 13,
        col = 1,
        text = 'TestRefunds.test_refund_of_a_gift_card_order: AssertionError: refund rejected (second line)',
        type = 'E',
      },
      {
        filename = '/w/src/test/java/com/acme/shop/OrderTest.java',
        lnum = 15,
        col = 1,
        text = 'orderTotalIncludesTax',
        type = 'E',
      },
    })
    -- recentFailures rows: the marker case's and the pytest case's of the newest and of
    -- an older run (replaced by their failing tests: a marker anchors the case, not its
    -- tests), a case without failing tests (kept).
    local recent = {
      {
        execution = 'SHP-0603-0000C',
        pipeline = 'SHP-0603',
        caseKey = '5A1C9E07',
        result = 'FAILED',
        error = 'exit 1',
        locations = { { uri = 'file:///w/tests/api/test_orders.py', line = 16, column = 1, message = 'E assert' } },
      },
      {
        execution = 'SHP-0601-0000C',
        pipeline = 'SHP-0601',
        caseKey = '1A2B3C4D',
        result = 'FAILED',
        error = 'cart total',
        locations = { { uri = 'file:///w/tests/test_cart.py', line = 9, column = 5, message = 'assert 3 == 4' } },
      },
      {
        execution = 'SHP-0603-0000B',
        pipeline = 'SHP-0603',
        caseKey = '5A1C9E07',
        result = 'FAILED',
        error = 'exit 1',
        locations = { { uri = 'file:///w/tests/api/test_refunds.py', line = 9, column = 1, message = 'E refund' } },
      },
      {
        execution = 'SHP-0603-0000B',
        pipeline = 'SHP-0603',
        caseKey = '6B2DAF18',
        result = 'FAILED',
        error = 'Timed out',
        locations = { { uri = 'file:///w/web/a.spec.ts', line = 3, column = 7, message = 'Error: Timed out' } },
      },
    }
    -- A test's pipeline is its caseStates `pipeline` (the server's), never the shape of
    -- the execution key nor a recentFailures row.
    local function count(pipeline, entries)
      return #commands.test_failure_items(entries or states, pipeline)
    end
    local renamed = vim.tbl_map(function(e)
      return vim.tbl_extend('force', e, { pipeline = e.pipeline == 'SHP-0603' and 'NIGHTLY' or e.pipeline })
    end, states)
    H.eq('test_failure_items of one pipeline (SHP-0601, SHP-0603, renamed, renamed away, unknown)', {
      count('SHP-0601'),
      count('SHP-0603'),
      count('NIGHTLY', renamed),
      count('SHP-0603', renamed),
      count('SHP-9999'),
    }, { 1, 3, 3, 0, 0 })
    local texts = vim.tbl_map(function(it)
      return ('%s:%d %s'):format(it.filename, it.lnum, it.text)
    end, commands.failure_items(recent, states, '/w'))
    H.eq('failure_items: the failing tests, then the cases without a failing test', texts, {
      '/w/tests/test_cart.py:7 test_cart_total: assert 3 == 4',
      "/w/tests/api/test_orders.py:15 test_order_total_includes_tax: AssertionError: assert Decimal('107.98') == Decimal('107.99')",
      '/w/tests/api/test_refunds.py:13 TestRefunds.test_refund_of_a_gift_card_order: AssertionError: refund rejected (second line)',
      '/w/src/test/java/com/acme/shop/OrderTest.java:15 orderTotalIncludesTax',
      '/w/web/a.spec.ts:4 FAILED 6B2DAF18: Error: Timed out',
    })
    H.eq('failure_items without caseStates', #commands.failure_items(recent, vim.NIL, '/w'), 4)
    H.eq(
      "a test's display text as the server sent it, on one line",
      commands.test_failure_items({
        {
          uri = 'file:///w/a.py',
          line = 0,
          key = 'K',
          name = 'a␛[31m',
          state = 'failed',
          testId = 'a',
          message = 'b<U+202E>c\nd',
        },
      })[1].text,
      'a␛[31m: b<U+202E>c d'
    )
    -- The server always names a test (its id as display text when the log gave no
    -- name): the raw testId is data, never shown.
    H.eq(
      'a test entry without a name shows its message, not its testId',
      commands.test_failure_items({
        { uri = 'file:///w/a.py', line = 0, key = 'K', state = 'failed', testId = 'a.py::t␛', message = 'boom' },
      })[1].text,
      'boom'
    )
  end)

  H.group(':TestanyTests: the tests of the case under the cursor', function()
    local commands = require('testany.commands')
    local states = states_fixture()
    local case, tests = commands.case_tests(states, 'file:///w/tests/api/test_refunds.py', 13)
    H.eq('the case under the cursor', case, { key = '5A1C9E07', execution = 'SHP-0603-0000C' })
    H.eq('tests_lines', commands.tests_lines(case, tests, '/w'), {
      '5A1C9E07 API tests (pytest) · SHP-0603-0000C',
      '✓ passed   test_create_order_returns_201  tests/api/test_orders.py:6',
      '✗ failed   test_order_total_includes_tax  tests/api/test_orders.py:15',
      '✗ failed   TestRefunds.test_refund_of_a_gift_card_order  tests/api/test_refunds.py:13',
      '⊘ skipped  TestRefunds.test_partial_refund  tests/api/test_refunds.py:16',
    })
    local above = commands.case_tests(states, 'file:///w/src/test/java/com/acme/shop/OrderTest.java', 40)
    H.eq('a test above the cursor names its case', above, { key = '8D4FC13A', execution = 'SHP-0603-0000C' })
    local none = commands.case_tests(states, 'file:///w/tests/test_cart.py', 1)
    H.eq('no case at or above the cursor', none, nil)
    local marker = { commands.case_tests(states, 'file:///w/tests/test_cart.py', 3) }
    H.eq('a marker case lists its tests', { marker[1], #marker[2] }, {
      { key = '1A2B3C4D', execution = 'SHP-0601-0000C' },
      1,
    })

    -- The buffer: <CR> jumps to the definition, r and o send the test's arguments.
    local dir = vim.fn.tempname()
    vim.fn.mkdir(dir .. '/tests/api', 'p')
    local src = {}
    for i = 1, 20 do
      src[i] = 'line ' .. i
    end
    vim.fn.writefile(src, dir .. '/tests/api/test_refunds.py')
    local fixture = vim.tbl_map(function(e)
      return vim.tbl_extend('force', e, { uri = e.uri:gsub('^file:///w/', 'file://' .. dir .. '/') })
    end, states)
    local case2, tests2 = commands.case_tests(fixture, 'file://' .. dir .. '/tests/api/test_orders.py', 6)
    vim.cmd('silent! only')
    local buf = commands.show_tests(case2, tests2, dir)
    H.eq('the list buffer', vim.api.nvim_buf_get_lines(buf, 0, -1, false), {
      '5A1C9E07 API tests (pytest) · SHP-0603-0000C',
      '✓ passed   test_create_order_returns_201  tests/api/test_orders.py:6',
      '✗ failed   test_order_total_includes_tax  tests/api/test_orders.py:15',
      '✗ failed   TestRefunds.test_refund_of_a_gift_card_order  tests/api/test_refunds.py:13',
      '⊘ skipped  TestRefunds.test_partial_refund  tests/api/test_refunds.py:16',
    })
    local sent = {}
    local saved = require('testany').exec
    require('testany').exec = function(command, args)
      sent[#sent + 1] = { command, args }
    end
    vim.api.nvim_win_set_cursor(0, { 4, 0 })
    vim.api.nvim_feedkeys(vim.keycode('r'), 'x', false)
    vim.api.nvim_feedkeys(vim.keycode('o'), 'x', false)
    require('testany').exec = saved
    H.eq('r runs the test locally, o opens its log at its line', sent, {
      {
        'testany.runLocally',
        {
          execution = 'SHP-0603-0000C',
          caseIndex = 0,
          testId = 'tests/api/test_refunds.py::TestRefunds.test_refund_of_a_gift_card_order',
        },
      },
      { 'testany.openLog', { execution = 'SHP-0603-0000C', caseIndex = 0, line = 112 } },
    })
    vim.api.nvim_feedkeys(vim.keycode('<CR>'), 'x', false)
    H.eq(
      '<CR> opens the definition',
      { vim.api.nvim_buf_get_name(0), vim.api.nvim_win_get_cursor(0)[1] },
      { dir .. '/tests/api/test_refunds.py', 13 }
    )
    vim.cmd('silent! only')
    vim.fn.delete(dir, 'rf')
  end)

  H.group('Run locally: the server argv in a terminal, no shell', function()
    local commands = require('testany.commands')
    local dir = vim.fn.resolve(vim.fn.tempname())
    vim.fn.mkdir(dir, 'p')
    vim.cmd('silent! only')
    local buf = commands.open_terminal({ argv = { 'printf', '%s|%s|', 'a b', '$HOME;`x`' }, cwd = dir })
    H.eq('the terminal runs argv in cwd', vim.b[buf].testany_command, {
      argv = { 'printf', '%s|%s|', 'a b', '$HOME;`x`' },
      cwd = dir,
    })
    local out = H.wait(5000, function()
      local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
      return text:find('|', 1, true) and vim.trim(vim.split(text, '\n')[1]) or nil
    end)
    H.eq('each argument reaches the program as is', out, 'a b|$HOME;`x`|')
    H.eq('a terminal buffer', vim.bo[buf].buftype, 'terminal')
    vim.cmd('silent! only')
    local before = #vim.api.nvim_list_bufs()
    H.eq('no argv: nothing opens', commands.open_terminal({ argv = {}, cwd = dir }), nil)
    H.eq('a non-string argument: nothing opens', commands.open_terminal({ argv = { 'x', 1 }, cwd = dir }), nil)
    H.eq('a missing folder: nothing opens', commands.open_terminal({ argv = { 'x' }, cwd = dir .. '/nope' }), nil)
    H.eq('no buffer was made', #vim.api.nvim_list_bufs(), before)
    -- Lenses run through Neovim's codelens run: the client runs these commands itself.
    local cfg = require('testany').server_config()
    H.eq(
      'client-side lens commands',
      { type(cfg.commands['testany.runLocally']), type(cfg.commands['testany.openLog']) },
      { 'function', 'function' }
    )
    vim.fn.delete(dir, 'rf')
  end)

  H.group('help tags', function()
    local dir = vim.fn.tempname()
    vim.fn.mkdir(dir .. '/doc', 'p')
    local src = vim.g.testany_plugin_root .. '/doc/testany.txt'
    vim.fn.writefile(vim.fn.readfile(src), dir .. '/doc/testany.txt')
    local ok, err = pcall(vim.cmd, 'helptags ' .. vim.fn.fnameescape(dir .. '/doc'))
    H.truthy('helptags runs without errors', ok, err)
    local tags = {}
    for _, l in ipairs(vim.fn.readfile(dir .. '/doc/tags')) do
      tags[#tags + 1] = l:match('^(%S+)')
    end
    for _, want in ipairs({
      'testany',
      'testany.nvim',
      ':TestanyLog',
      ':TestanyRun',
      ':TestanyFailures',
      ':TestanyTests',
      ':TestanyRerun',
      ':TestanyHealth',
      'testany-setup',
      'testany-health',
      'testany-install',
      'testany-lsp-enable',
    }) do
      H.truthy('help tag ' .. want, vim.tbl_contains(tags, want), table.concat(tags, ' '))
    end
    vim.fn.delete(dir, 'rf')
  end)
end
