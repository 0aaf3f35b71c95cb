"""Drives the emulator with the official MCP Python SDK (an independent client).

Usage: python mcp_sdk_client.py URL
Exits non-zero with a message on the first mismatch. Works with SDK 1.x and 2.x.
"""

import asyncio
import json
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from mcp import ClientSession

try:  # SDK 2.x
    from mcp.client.streamable_http import streamable_http_client as _client
except ImportError:  # SDK 1.x
    from mcp.client.streamable_http import streamablehttp_client as _client

EXPECTED_TOOLS = {
    "testany_list_executions",
    "testany_get_execution",
    "testany_get_execution_case",
    "testany_refresh_execution",
    "testany_log_sign",
    "testany_execute_pipeline",
    "testany_get_pipeline",
    "testany_cancel_execution",
    "testany_list_pipelines",
    "testany_get_case",
}


def field(obj, *names):
    """The first attribute that exists (SDK 2.x is snake_case, 1.x camelCase)."""
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AssertionError(f"{type(obj).__name__} has none of {names}")


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def fetch_log(log_url, sign, operator, port):
    """GET the log over loopback with the log host in the Host header (no DNS needed)."""
    parts = urlsplit(log_url)
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{parts.path}",
        headers={"Host": parts.netloc, "X-Sign": sign, "X-Operator-Id": operator},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, resp.read().decode("utf-8")


async def main(url):
    async with _client(url) as streams:
        read, write = streams[0], streams[1]
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            info = field(init, "server_info", "serverInfo")
            check(info.name == "testany-mock", f"server name {info.name!r}")
            version = field(init, "protocol_version", "protocolVersion")
            check(version.startswith("2025-"), f"protocol version {version!r}")

            tools = await session.list_tools()
            names = {t.name for t in tools.tools}
            check(names == EXPECTED_TOOLS, f"tools {sorted(names)}")
            for t in tools.tools:
                schema = field(t, "input_schema", "inputSchema")
                check(schema.get("type") == "object", f"{t.name} schema {schema}")

            result = await session.call_tool(
                "testany_get_execution", {"execution_key": "SHP-0601-0000C"}
            )
            check(not field(result, "is_error", "isError"), f"isError: {result}")
            data = json.loads(result.content[0].text)
            check(data["execution_id"] == "SHP-0601-0000C", f"execution {data}")
            check(data["status"] == "COMPLETED", f"status {data['status']}")
            check(len(data["cases"]) == 11, f"{len(data['cases'])} cases")
            structured = field(result, "structured_content", "structuredContent")
            check(structured == data, "structuredContent differs from the text")

            missing = await session.call_tool("testany_get_execution_case", {"execution_key": "NOPE", "case_index": 0})
            check(field(missing, "is_error", "isError"), "unknown key must be isError")
            check("NOPE" in missing.content[0].text, missing.content[0].text)

            try:
                bad = await session.call_tool("testany_get_execution", {})
            except Exception as err:  # JSON-RPC -32602 surfaces as an McpError
                check("execution_key" in str(err), f"error names the argument: {err}")
            else:
                # Some SDK versions turn errors into isError results.
                check(field(bad, "is_error", "isError"), f"missing argument accepted: {bad}")

            sign = await session.call_tool(
                "testany_log_sign", {"executionKey": "SHP-0601-0000C", "caseIndex": 1}
            )
            s = json.loads(sign.content[0].text)
            port = urlsplit(url).port
            status, log = fetch_log(s["logUrl"], s["sign"], s["operatorId"], port)
            check(status == 200, f"log status {status}")
            check("/builds/acme/shop/tests/test_cart.py" in log, "log lacks the CI path")

            run = await session.call_tool("testany_execute_pipeline", {"pipeline_key": "SHP-0601"})
            started = json.loads(run.content[0].text)
            check(started["status"] == "PENDING", f"new run {started['status']}")
    print(f"interop ok: {url} ({version}, {len(names)} tools)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: mcp_sdk_client.py URL")
    try:
        asyncio.run(main(sys.argv[1]))
    except AssertionError as err:
        sys.exit(f"interop mismatch: {err}")
