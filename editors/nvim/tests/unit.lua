-- Tests of the plugin's pure parts: ANSI parsing, frame finding and path mapping, log
-- rendering and failure lines, quickfix conversion, health helpers, help tags.
local H = require('harness')

return function()
  H.group('ansi', function()
    local ansi = require('testany.ansi')
    local cases = {
      { 'plain', 'hello', 'hello', {} },
      { 'reset only', '\27[0mx\27[m', 'x', {} },
      {
        'red bold then reset',
        '\27[31m\27[1mE   x\27[0m ok',
        'E   x ok',
        { { 0, 5, { fg = '#cd3131', fg_n = 1, bold = true } } },
      },
      {
        'combined params and 256 colour',
        'a\27[32;1mb\27[38;5;196mc\27[0m',
        'abc',
        {
          { 1, 2, { fg = '#0dbc79', fg_n = 2, bold = true } },
          { 2, 3, { fg = '#ff0000', fg_n = 196, bold = true } },
        },
      },
      {
        'truecolor background',
        '\27[48;2;1;2;3mX\27[49m',
        'X',
        { { 0, 1, { bg = '#010203' } } },
      },
      { 'cursor movement and OSC dropped', '\27[2K\27]0;title\7done\27[1A', 'done', {} },
      { 'OSC with ST', '\27]8;;http://x\27\\link\27]8;;\27\\', 'link', {} },
      -- Regression (issue 17): a bare CR hid what came before it and controls vanished
      -- silently; they are shown as core's sanitize::for_display shows them.
      { 'bare carriage returns are shown', '10%\r50%\r100%\r', '10%␍50%␍100%␍', {} },
      { 'control bytes shown, tabs kept', 'a\bb\tc\0', 'a␈b\tc␀', {} },
      { 'truncated escape at end is marked', 'x\27[3', 'x␛', {} },
      { 'lone escape at end is marked', 'x\27', 'x␛', {} },
      {
        'C1 and bidi shown, spans count the shown bytes',
        '\27[31m\226\128\174x\27[0m\194\155',
        '<U+202E>x<U+009B>',
        { { 0, 9, { fg = '#cd3131', fg_n = 1 } } },
      },
      { 'OSC 52, title and cursor moves removed', '\27]52;c;eA==\7a\27]0;t\27\\\27[2Kb', 'ab', {} },
      { 'private CSI is not SGR', '\27[>4;1mX', 'X', {} },
    }
    for _, c in ipairs(cases) do
      local text, spans = ansi.parse(c[2], {})
      local plain = {}
      for _, s in ipairs(spans) do
        local st = {}
        for k, v in pairs(s[3]) do
          st[k] = v
        end
        plain[#plain + 1] = { s[1], s[2], st }
      end
      H.eq('ansi.parse ' .. c[1], { text, plain }, { c[3], c[4] })
    end
    -- testany-core's sanitize.rs cases with for_display's output (the same table as
    -- editors/vscode/test/unit/display.test.ts).
    local core_cases = {
      { 'plain', 'plain' },
      { 'tab\009here\010', 'tab\009here\010' },
      { '© 2026 ✓ 漢字 🎉 \226\128\148 \226\128\152q\226\128\153 \226\128\166', '© 2026 ✓ 漢字 🎉 \226\128\148 \226\128\152q\226\128\153 \226\128\166' },
      { '👨\226\128\141👩', '👨\226\128\141👩' },
      { '\027[31mred\027[0m', 'red' },
      { '\027[mreset', 'reset' },
      { '\027[38:2::1:2:3mX', 'X' },
      { '\027[>4;1mX', 'X' },
      { 'a\027]52;c;cm0gLXJmIH4=\007b', 'ab' },
      { 'a\027]52;c;cm0gLXJmIH4=\027\\b', 'ab' },
      { '\027]0;pwned\007ok', 'ok' },
      { '\027]2;pwned\027\\ok', 'ok' },
      { '\027]8;;file:///etc/passwd\027\\click\027]8;;\027\\', 'click' },
      { '\027]8;;javascript:alert(1)\007x\027]8;;\007', 'x' },
      { 'fake\027[2K\027[1Greal', 'fakereal' },
      { '\027[2J\027[Hclear', 'clear' },
      { '\027[10A\027[3;5Hup', 'up' },
      { '\027[?1049hx\027[?25l', 'x' },
      { '\027[1;24rs', 's' },
      { '\027P1$r0m\027\\dcs', 'dcs' },
      { '\027Pq#0;2;0;0;0#0~~\027\\six', 'six' },
      { '\027_Gf=24;AAAA\027\\apc', 'apc' },
      { '\027^privacy\027\\pm', 'pm' },
      { '\027Xsos\027\\x', 'x' },
      { '\027(Bcs\0277\0278\027c\027=', 'cs' },
      { 'nul\000x', 'nul␀x' },
      { 'bell\007', 'bell␇' },
      { 'back\008\008xx', 'back␈␈xx' },
      { 'vt\011ff\012', 'vt␋ff␌' },
      { 'del\127', 'del␡' },
      { 'can\024sub\026', 'can␘sub␚' },
      { 'tab\009line\010', 'tab\009line\010' },
      { 'PASSED\013FAILED', 'PASSED␍FAILED' },
      { 'end\013', 'end␍' },
      { 'a\013\013\010b', 'a␍\010b' },
      { 'one\013\010two\013\010', 'one\010two\010' },
      { 'x\007\013\010y\013\010', 'x␇\010y\010' },
      { 'cut \027', 'cut ␛' },
      { 'cut \027[3', 'cut ␛' },
      { 'title \027]0;never ends\010next', 'title ␛\010next' },
      { '\027\010^', '␛\010^' },
      { '\027P dcs\010after\010', '␛\010after\010' },
      { 'a\194\1552Jb', 'a<U+009B>2Jb' },
      { '\194\15752;c;eA==\194\156x', '<U+009D>52;c;eA==<U+009C>x' },
      { '\194\128\194\133\194\144\194\159', '<U+0080><U+0085><U+0090><U+009F>' },
      { '\194\160©', '\194\160©' },
      { 'access\226\128\174nimda', 'access<U+202E>nimda' },
      { '\226\128\170\226\128\171\226\128\172\226\128\173', '<U+202A><U+202B><U+202C><U+202D>' },
      { '\226\129\166a\226\129\167b\226\129\168c\226\129\169', '<U+2066>a<U+2067>b<U+2068>c<U+2069>' },
      { '\226\128\142\226\128\143\216\156', '<U+200E><U+200F><U+061C>' },
      { 'line\226\128\168sep', 'line<U+2028>sep' },
      { '\239\191\185hidden\239\191\187', '<U+FFF9>hidden<U+FFFB>' },
      { 'مرحبا 👩\226\128\141💻', 'مرحبا 👩\226\128\141💻' },
      { 'ok \027[32mPASS\027[0m\027]52;c;ZWNobyBwd25lZA==\007\013\027[2K\226\128\174\000\010', 'ok PASS␍<U+202E>␀\010' },
      { '\239\163\191\007', '\239\163\191␇' },
      { '\007\239\163\191\027[2Kx', '␇\239\163\191x' },
      { 'first ✓\010second \027[31mred\010third\010', 'first ✓\010second red\010third\010' },
      -- Raw bytes that are not UTF-8 become U+FFFD.
      { '\255x', '\239\191\189x' },
    }
    local mismatched = {}
    for _, c in ipairs(core_cases) do
      local got = ansi.for_display(c[1])
      if got ~= c[2] or ansi.for_display(got) ~= got then
        mismatched[#mismatched + 1] = { c[1], want = c[2], got = got }
      end
    end
    H.eq(('ansi.for_display matches core on %d cases, idempotent'):format(#core_cases), mismatched, {})

    -- The tables of core's own sanitize tests, read from sanitize.rs: when core's
    -- behaviour changes, this port fails here rather than drifting.
    local rs = table.concat(vim.fn.readfile(vim.g.testany_plugin_root .. '/../../crates/testany-core/src/sanitize.rs', 'b'), '\n')
    local function unescape(body)
      body = body:gsub('\\\n%s*', '')
      return (body:gsub('\\(u{(%x+)})', function(_, hex)
        return vim.fn.nr2char(tonumber(hex, 16))
      end):gsub('\\x(%x%x)', function(hex)
        local n = tonumber(hex, 16)
        return n < 0x80 and string.char(n) or vim.fn.nr2char(n)
      end):gsub('\\([nrt0\\"\'])', { n = '\n', r = '\r', t = '\t', ['0'] = '\0', ['\\'] = '\\', ['"'] = '"', ["'"] = "'" }))
    end
    local from_rs = {}
    for block in rs:gmatch('let cases: &%[%(&str[^%]]-%)%] = &%[(.-)\n%s*%];') do
      -- Tuples of string literals; parentheses inside strings do not count.
      local i, n, depth, strings, cur = 1, #block, 0, nil, nil
      while i <= n do
        local c = block:sub(i, i)
        if c == '"' then
          local j = i + 1
          while j <= n and block:sub(j, j) ~= '"' do
            j = j + (block:sub(j, j) == '\\' and 2 or 1)
          end
          if strings then
            strings[#strings + 1] = unescape(block:sub(i + 1, j - 1))
          end
          i = j
        elseif c == '(' then
          depth = depth + 1
          strings = strings or {}
        elseif c == ')' then
          depth = depth - 1
          if depth == 0 and strings then
            if #strings == 2 or #strings == 3 then
              from_rs[#from_rs + 1] = { strings[1], strings[#strings] }
            end
            strings = nil
          end
        end
        i = i + 1
      end
    end
    local differ = {}
    for _, c in ipairs(from_rs) do
      if ansi.for_display(c[1]) ~= c[2] then
        differ[#differ + 1] = { c[1], want = c[2], got = ansi.for_display(c[1]) }
      end
    end
    H.truthy('read the tables of sanitize.rs', #from_rs >= 50, #from_rs)
    H.eq('ansi.for_display passes the tables of core sanitize tests', differ, {})
    -- A style left open carries over to the next line.
    local style = {}
    ansi.parse('\27[33mstart', style)
    local _, spans = ansi.parse('next\27[0m', style)
    H.eq('ansi style carries over lines', spans[1] and { spans[1][1], spans[1][2], spans[1][3].fg }, { 0, 4, '#e5e510' })
    H.eq('ansi.hl_group name', ansi.hl_group({ fg = '#cd3131', bold = true }), 'TestanyAnsi_cd3131_x_b')
    H.eq('ansi.hl_group defines the group', vim.api.nvim_get_hl(0, { name = 'TestanyAnsi_cd3131_x_b' }).bold, true)
    vim.cmd('highlight clear')
    ansi.redefine()
    H.eq('ansi.redefine restores groups after :highlight clear', vim.api.nvim_get_hl(0, { name = 'TestanyAnsi_cd3131_x_b' }), { fg = 0xcd3131, bold = true, cterm = { bold = true }, default = true })
  end)

  H.group('frames', function()
    local frames = require('testany.frames')
    local function brief(text)
      local out = {}
      for _, f in ipairs(frames.find(text)) do
        out[#out + 1] = { f.path, f.line, f.col, f.start_col, f.end_col }
      end
      return out
    end
    local cases = {
      {
        'pytest location',
        '/builds/acme/shop/tests/test_cart.py:20: AssertionError',
        { { '/builds/acme/shop/tests/test_cart.py', 20, nil, 0, 39 } },
      },
      {
        'python traceback',
        '  File "/builds/acme/shop/shop/cart.py", line 14, in total',
        { { '/builds/acme/shop/shop/cart.py', 14, nil, 2, 48 } },
      },
      {
        'node frame with column',
        '    at /builds/acme/shop/web/tests/checkout.spec.ts:15:52',
        { { '/builds/acme/shop/web/tests/checkout.spec.ts', 15, 52, 7, 57 } },
      },
      {
        'java frame',
        '\tat com.acme.shop.OrderTest.orderIsPersisted(OrderTest.java:21)',
        { { 'com/acme/shop/OrderTest.java', 21, nil, 1, 63 } },
      },
      {
        'java frame with module',
        '\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)',
        { { 'java/lang/reflect/Method.java', 580, nil, 1, 62 } },
      },
      { 'go test', '    stock_test.go:23: released twice', { { 'stock_test.go', 23, nil, 4, 20 } } },
      {
        'two on a line',
        'a.py:1 then b/c.ts:2:3',
        { { 'a.py', 1, nil, 0, 6 }, { 'b/c.ts', 2, 3, 12, 22 } },
      },
      { 'host:port is no file', 'db:5432 refused', {} },
      { 'no line number', 'rootdir: /builds/acme/shop', {} },
    }
    for _, c in ipairs(cases) do
      H.eq('frames.find ' .. c[1], brief(c[2]), c[3])
    end
    local f = frames.at('a.py:1 then b/c.ts:2:3', 14)
    H.eq('frames.at picks the reference under the cursor', f and f.path, 'b/c.ts')
    f = frames.at('a.py:1 then b/c.ts:2:3', 8)
    H.eq('frames.at falls back to the first', f and f.path, 'a.py')

    local files = {
      'inventory/stock_test.go',
      'src/test/java/com/acme/shop/OrderTest.java',
      'tests/test_cart.py',
      'vendor/tests/test_cart.py',
      'other/test_cart.py',
      'web/tests/checkout.spec.ts',
    }
    local resolve = {
      { '/builds/acme/shop/tests/test_cart.py', 'tests/test_cart.py' },
      { 'com/acme/shop/OrderTest.java', 'src/test/java/com/acme/shop/OrderTest.java' },
      { 'stock_test.go', 'inventory/stock_test.go' },
      { 'C:\\ci\\web\\tests\\checkout.spec.ts', 'web/tests/checkout.spec.ts' },
      { './tests/test_cart.py', 'tests/test_cart.py' },
      { 'test_cart.py', 'other/test_cart.py' },
      { '/x/nothing.py', nil },
      { '', nil },
    }
    for _, c in ipairs(resolve) do
      H.eq('frames.resolve ' .. c[1], frames.resolve(c[1], files), c[2])
    end
    local dir = vim.fn.resolve(vim.fn.tempname())
    local skipped = {
      'node_modules/x/tests/test_cart.py',
      '.git/HEAD',
      '.tox/py311/tests/test_cart.py',
      'build/lib/tests/test_cart.py',
      'pkg/__pycache__/m.pyc',
      '.env',
    }
    for _, f in ipairs(vim.list_extend(vim.deepcopy(files), skipped)) do
      vim.fn.mkdir(vim.fs.dirname(dir .. '/' .. f), 'p')
      vim.fn.writefile({}, dir .. '/' .. f)
    end
    H.eq('frames.list_files skips hidden, dependency and build folders', frames.list_files(dir), {
      '.env',
      'inventory/stock_test.go',
      'other/test_cart.py',
      'src/test/java/com/acme/shop/OrderTest.java',
      'tests/test_cart.py',
      'vendor/tests/test_cart.py',
      'web/tests/checkout.spec.ts',
    })
    H.eq('frames.resolve_in', {
      frames.resolve_in(dir, '/builds/x/tests/test_cart.py'),
      frames.resolve_in(dir, 'com/acme/shop/OrderTest.java'),
      frames.resolve_in(dir, 'missing.py'),
    }, { dir .. '/tests/test_cart.py', dir .. '/src/test/java/com/acme/shop/OrderTest.java', nil })
    -- One walker limit and skip rule, from the language server (crates/testany-lsp/src/files.rs).
    local rs = table.concat(vim.fn.readfile(vim.g.testany_plugin_root .. '/../../crates/testany-lsp/src/files.rs'), '\n')
    local limit = rs:match('const MAX_FILES: usize = ([%d_]+);')
    local skipped = {}
    for name in (rs:match('const SKIPPED_DIRS: %[&str; %d+%] = %[(.-)%]') or ''):gmatch('"([^"]+)"') do
      skipped[name] = true
    end
    H.eq('frames.MAX_FILES is the server walker limit', { frames.MAX_FILES, limit and tonumber((limit:gsub('_', ''))) }, { 200000, 200000 })
    H.eq('frames skips the server skipped directories', frames.SKIP, skipped)
    local saved_max = frames.MAX_FILES
    frames.MAX_FILES = 3
    H.eq('frames.list_files stops at MAX_FILES', #frames.list_files(dir), 3)
    frames.MAX_FILES = saved_max
    vim.fn.writefile({}, dir .. '/new_file.py')
    H.eq('frames.resolve_in sees new files only on refresh', {
      frames.resolve_in(dir, 'new_file.py'),
      frames.resolve_in(dir, 'new_file.py', true),
    }, { nil, dir .. '/new_file.py' })
    vim.fn.delete(dir, 'rf')
  end)

  H.group('log rendering', function()
    local log = require('testany.log')
    local raw = table.concat({
      '\27[32;1mRunning with testany-runner\27[0m',
      'plain',
      '\27[1m\27[31mE       AssertionError: assert 24.3 == 27.0\27[0m',
      '',
      '\27[1m\27[31m/builds/acme/shop/tests/test_cart.py\27[0m:20: AssertionError',
      '\27[31mFAILED\27[0m tests/test_cart.py::test_discount_applies_once - AssertionError',
      'crlf line\r',
      '--- FAIL: TestReleaseStockTwice (2.00s)',
      '',
    }, '\n')
    local lines, spans = log.render(raw)
    H.eq('log.render lines', lines, {
      'Running with testany-runner',
      'plain',
      'E       AssertionError: assert 24.3 == 27.0',
      '',
      '/builds/acme/shop/tests/test_cart.py:20: AssertionError',
      'FAILED tests/test_cart.py::test_discount_applies_once - AssertionError',
      'crlf line',
      '--- FAIL: TestReleaseStockTwice (2.00s)',
    })
    H.eq('log.render span counts', vim.tbl_map(function(s)
      return #s
    end, spans), { 1, 0, 1, 0, 1, 1, 0, 0 })
    H.eq('log.render empty input', { log.render('') }, { { '' }, { {} } })
    -- Regression (issue 17): hostile log text is shown, never passed to the buffer raw.
    H.eq('log.render hostile lines', (log.render(table.concat({
      'ok \27[32mPASS\27[0m\27]52;c;ZWNobyBwd25lZA==\7\r\27[2K\226\128\174\0\r',
      'access\226\128\174nimda \194\155' .. '2J \27]0;title',
      'progress 10%\r100%',
    }, '\n'))), { 'ok PASS␍<U+202E>␀', 'access<U+202E>nimda <U+009B>2J ␛', 'progress 10%␍100%' })
    H.eq('log.failure_lines without a root', log.failure_lines(lines, nil), { 3, 5, 6, 8 })
    local flags = {}
    for _, t in ipairs({
      'Error: TimeoutError: locator.toBeVisible',
      '  ✘  1 [chromium] › web/tests/checkout.spec.ts',
      "thread 'main' panicked at src/lib.rs:3:5",
      'java.net.ConnectException: Connection refused',
      'Waiting for services',
      'platform linux -- Python 3.12.4',
    }) do
      flags[#flags + 1] = log.is_failure_line(t)
    end
    H.eq('log.is_failure_line', flags, { true, true, true, true, false, false })
    -- The cases of core's failure-line rule (testany-core tests/failure_line.rs reads the
    -- same file): this copy answers as core does until issue 16 removes it.
    local fixture = vim.g.testany_plugin_root .. '/../../crates/testany-core/tests/fixtures/failure_lines.txt'
    local differ, read = {}, 0
    for _, row in ipairs(vim.fn.readfile(fixture, 'b')) do
      local want, text = row:match('^(%a+)|(.*)$')
      if want then
        read = read + 1
        if log.is_failure_line(text) ~= (want == 'true') then
          differ[#differ + 1] = row
        end
      end
    end
    H.eq('log.is_failure_line reads the core table', read, 44)
    H.eq('log.is_failure_line answers as core on its table', differ, {})

    -- A testany/logView result (docs/protocol.md): spans become byte-column highlights,
    -- frames are keyed by 1-based row, hostile text is shown, null fields are ignored.
    local plain = { fg = vim.NIL, bg = vim.NIL, bold = false, dim = false, italic = false, underline = false, inverse = false }
    local red_bold = vim.tbl_extend('force', plain, { fg = { kind = 'basic', index = 1 }, bold = true })
    local v_lines, v_spans, v_frames, v_failures = log.from_view({
      uri = 'file:///c/1.log',
      text = 'Running\n/b/t.py:20: Error\nü\226\128\174x\nplain',
      styles = {
        { line = 1, spans = { { text = '/b/t.py', style = red_bold }, { text = ':20: Error', style = plain } } },
        { line = 2, spans = { { text = 'ü\226\128\174', style = vim.tbl_extend('force', plain, { bg = { kind = 'rgb', r = 1, g = 2, b = 255 } }) }, { text = 'x', style = vim.tbl_extend('force', plain, { dim = true }) } } },
      },
      failureLines = { 1, 9 },
      firstFailure = 1,
      frames = { { logLine = 1, uri = 'file:///ws/t.py', line = 19, column = vim.NIL } },
    })
    H.eq('log.from_view lines', v_lines, { 'Running', '/b/t.py:20: Error', 'ü<U+202E>x', 'plain' })
    H.eq('log.from_view spans', v_spans, {
      {},
      { { 0, 7, { fg = '#cd3131', fg_n = 1, bold = true } } },
      { { 0, 10, { bg = '#0102ff' } } },
      {},
    })
    H.eq('log.from_view frames', v_frames, { ['2'] = { { file = '/ws/t.py', line = 20 } } })
    H.eq('log.from_view failure lines: 1-based, inside the log', v_failures, { 2 })
    H.eq('log.failure_lines with server frames', log.failure_lines({ 'a', 'b', 'Error: x' }, nil, { ['2'] = {} }), { 2, 3 })
  end)

  H.group('log opening: showDocument, command result, and no double split', function()
    local testany = require('testany')
    local dir = vim.fn.resolve(vim.fn.tempname())
    local path = dir .. '/testany/logs/X-1/0.log'
    vim.fn.mkdir(vim.fs.dirname(path), 'p')
    local fd = assert(io.open(path, 'wb'))
    fd:write('one\n\27[31mtwo\27[0m\nthree\n')
    fd:close()
    local uri = vim.uri_from_fname(path)
    vim.cmd('silent! only')
    local show = testany.server_config().handlers['window/showDocument']
    local started = vim.uv.hrtime()
    local res = show(nil, { uri = uri, selection = { start = { line = 2, character = 0 } } }, { client_id = -1 })
    H.eq('showDocument of a log answers success', res, { success = true })
    H.eq('the log is in a split', #vim.api.nvim_tabpage_list_wins(0), 2)
    H.eq('showDocument log content', vim.api.nvim_buf_get_lines(0, 0, -1, false), { 'one', 'two', 'three' })
    H.eq('showDocument selection line', vim.api.nvim_win_get_cursor(0), { 3, 0 })
    vim.cmd('wincmd p')
    testany.on_open_log_result({ uri = uri, line = 0 }, nil, started)
    H.eq('the result of the same command opens nothing more', {
      #vim.api.nvim_tabpage_list_wins(0),
      vim.api.nvim_buf_get_name(0):match('^testany://') ~= nil,
    }, { 2, false })
    vim.cmd('silent! only')
    testany.on_open_log_result({ uri = uri, line = 0 }, nil, vim.uv.hrtime())
    H.eq('a result without showDocument opens the log', {
      #vim.api.nvim_tabpage_list_wins(0),
      vim.api.nvim_buf_get_name(0),
      vim.api.nvim_win_get_cursor(0),
    }, { 2, 'testany://log/' .. path, { 1, 0 } })
    testany.on_open_log_result({ uri = 'file:///etc/passwd', line = 0 }, nil, nil)
    H.eq('results that are not testany logs are ignored', vim.api.nvim_buf_get_name(0), 'testany://log/' .. path)
    vim.cmd('silent! only')
    vim.fn.delete(dir, 'rf')
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
          { location = { path = '/b/tests/test_cart.py', line = 20, message = 'AssertionError: x' }, file = 'tests/test_cart.py' },
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
          { uri = 'file:///r/web/tests/checkout.spec.ts', path = 'web/tests/checkout.spec.ts', line = 14, column = 52, message = vim.NIL },
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
      { filename = '/r/tests/test_cart.py', lnum = 20, col = 1, text = 'FAILED B7E4C2A9: AssertionError: x (failed in 3 runs)', type = 'E' },
      { filename = '/r/tests/test_login.py', lnum = 21, col = 5, text = 'E5B1C7D3: account should be locked', type = 'E' },
      { filename = '/r/web/tests/checkout.spec.ts', lnum = 15, col = 52, text = 'TIMEOUT 0A7D3E9B: TimeoutError: locator.toBeVisible', type = 'E' },
      { filename = '/r/x.py', lnum = 7, col = 1, text = 'Z: only a marker', type = 'E' },
    })
    H.eq('quickfix_items of a wrapped result', #commands.quickfix_items({ failures = { result[4] } }, '/r'), 1)
    -- Regression (issue 17): service text reaches the quickfix list with controls shown.
    H.eq('quickfix_items show hostile text', commands.quickfix_items({
      { caseKey = 'K', result = 'FAILED', error = 'boom\27]0;title\7\r\226\128\174x\nmore', file = 'x.py', line = 1 },
    }, '/r')[1].text, 'FAILED K: boom␍<U+202E>x more')
    H.eq('quickfix_items of nonsense', commands.quickfix_items(vim.NIL, '/r'), {})
  end)

  H.group('floats show service text safely', function()
    local commands = require('testany.commands')
    local buf, win = commands.float(commands.execution_lines({
      key = 'E-1',
      result = 'FAILED',
      environment = 'st\226\128\174g',
      cases = { { case_key = 'K1', name = 'n\27[2J\0x\r\ny', result = 'FAILED' } },
    }), 'T')
    H.eq('execution float lines', vim.api.nvim_buf_get_lines(buf, 0, -1, false), {
      'E-1 FAILED st<U+202E>g',
      '  FAILED   K1 n␀x y ?',
    })
    vim.api.nvim_win_close(win, true)
  end)

  H.group('health helpers', function()
    local health = require('testany.health')
    local values, tables, problems = health.parse_toml(table.concat({
      '# comment',
      'url = "http://testany.localhost:7357/api/v2/mcp/"   # trailing',
      "workspace = 'SHP'",
      'pipelines = ["SHP-0601", "SHP-0602"]',
      'history = 10',
      '[poll]',
      'running_secs = 2',
      'bogus line',
    }, '\n'))
    H.eq('parse_toml values', values, {
      url = 'http://testany.localhost:7357/api/v2/mcp/',
      workspace = 'SHP',
      pipelines = { 'SHP-0601', 'SHP-0602' },
      history = 10,
    })
    H.eq('parse_toml tables', tables, { poll = true })
    H.eq('parse_toml problems', problems, { 'line 8 is not `key = value`' })
    local cases = {
      { 'valid', values, { poll = true }, {}, {} },
      {
        'token and http to a remote host',
        { url = 'http://example.com/api/v2/mcp/', token = 'x', pipelines = { 'P' } },
        {},
        {
          '`token` must not be in testany.toml: put it in the TESTANY_TOKEN environment variable',
          '`url` http://example.com/api/v2/mcp/ must use https (http is only for loopback hosts)',
        },
        {},
      },
      {
        'types, unknown keys, no url',
        { history = 'ten', pipelines = 'P', colour = 'red' },
        { nope = true },
        { '`history` must be a number', '`pipelines` must be a list of strings', 'no `url`: set it in testany.toml or TESTANY_URL' },
        { 'unknown key `colour`', 'unknown table `[nope]`' },
      },
    }
    local saved = vim.env.TESTANY_URL
    vim.env.TESTANY_URL = nil
    for _, c in ipairs(cases) do
      local errors, warnings = health.check_config(c[2], c[3])
      H.eq('check_config ' .. c[1], { errors, warnings }, { c[4], c[5] })
    end
    vim.env.TESTANY_URL = saved
    H.eq('split_url', { health.split_url('https://testany.com.cn/api/v2/mcp/') }, { 'https', 'testany.com.cn', 443, '/api/v2/mcp/' })
    H.eq('split_url with port', { health.split_url('http://testany.localhost:7357') }, { 'http', 'testany.localhost', 7357, '/' })
    H.eq('split_url rejects others', health.split_url('ftp://x'), nil)
    local ok, detail = health.probe('http://127.0.0.1:1/api/v2/mcp/', 2000)
    H.eq('probe of a closed port fails', ok, false)
    H.truthy('probe says why', detail:match('^cannot connect to 127%.0%.0%.1:1') ~= nil, detail)
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
    for _, want in ipairs({ 'testany', 'testany.nvim', ':TestanyLog', ':TestanyRun', ':TestanyFailures', ':TestanyRerun', ':TestanyHealth', 'testany-setup', 'testany-health' }) do
      H.truthy('help tag ' .. want, vim.tbl_contains(tags, want), table.concat(tags, ' '))
    end
    vim.fn.delete(dir, 'rf')
  end)
end
