"""A small HTTP client for the shop's API, used by tests/api."""

import json as jsonlib
import urllib.error
import urllib.parse
import urllib.request


class Response:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self._body = body

    def json(self):
        return jsonlib.loads(self._body or "null")


class ApiClient:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")

    def get(self, path, params=None):
        query = urllib.parse.urlencode(params or {})
        return self._send("GET", path + ("?" + query if query else ""), None)

    def post(self, path, json=None):
        return self._send("POST", path, json)

    def _send(self, method, path, payload):
        data = None if payload is None else jsonlib.dumps(payload).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request) as resp:
                return Response(resp.status, resp.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode())
