"""Fixtures of the API suite: a client for the shop's HTTP API."""

import os

import pytest

from shop.api_client import ApiClient


@pytest.fixture
def api():
    return ApiClient(os.environ.get("SHOP_API_URL", "http://localhost:8000"))
