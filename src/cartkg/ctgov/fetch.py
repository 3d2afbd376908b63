"""Fetch study records from the live ClinicalTrials.gov API v2 (optional; the rest is offline).

Paging stops on a short page as well as on a missing ``nextPageToken`` (the API can send a token
with its last page), and after ``max_records``. Each request has a timeout and is retried on
connection errors, 429 and 5xx answers with a growing pause; when the API cannot be reached the
error says so and how to import saved records instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

import httpx

from cartkg.ctgov.importer import _label, skipped
from cartkg.errors import CartkgError
from cartkg.importing.trials import Source
from cartkg.namespaces import CTGOV_API

API = CTGOV_API
RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(CartkgError):
    """The API could not be reached or kept failing."""

    exit_code = 2


class Fetcher:
    def __init__(
        self,
        client: httpx.Client | None = None,
        base: str = API,
        retries: int = 3,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client or httpx.Client(timeout=timeout, follow_redirects=True)
        self.base = base.rstrip("/")
        self.retries = retries
        self.sleep = sleep

    def get(self, url: str, params: dict | None = None) -> httpx.Response:
        for attempt in range(self.retries + 1):
            try:
                response = self.client.get(url, params=params)
            except httpx.TransportError as e:
                if attempt == self.retries:
                    raise FetchError(
                        f"cannot reach {url} ({type(e).__name__}: {e}); are you offline? "
                        "Saved records import without the network: cartkg import ctgov FILE"
                    ) from None
            else:
                if response.status_code not in RETRY_STATUS:
                    return response
                if attempt == self.retries:
                    raise FetchError(
                        f"{url} answered {response.status_code} {self.retries + 1} times; try again later"  # noqa: E501
                    )
            self.sleep(min(2.0**attempt, 30.0))
        raise AssertionError("unreachable")

    def studies(self, ids: Iterable[str]) -> Iterator[Source]:
        """One record per NCT id (GET /studies/{id}); a missing or bad answer is a Problem."""
        for nct in ids:
            url = f"{self.base}/{nct}"
            response = self.get(url, {"format": "json"})
            if response.status_code == 404:
                yield skipped(url, nct, "(fetch)", "no such study (404)")
                continue
            if response.status_code >= 400:
                yield skipped(url, nct, "(fetch)", f"answered {response.status_code}")
                continue
            try:
                yield url, _label(1, response.json()), response.json(), response.text
            except ValueError:
                yield skipped(url, nct, "(JSON)", "the answer is not JSON")

    def search(self, terms: str, page_size: int = 100, max_records: int = 1000) -> Iterator[Source]:
        """Every record a search finds, page by page (GET /studies?query.term=...)."""
        token = None
        seen = 0
        page = 0
        while seen < max_records:
            page += 1
            params = {"query.term": terms, "pageSize": page_size, "format": "json"}
            if token:
                params["pageToken"] = token
            response = self.get(self.base, params)
            where = f"{self.base}?query.term={terms} (page {page})"
            if response.status_code >= 400:
                yield skipped(where, f"page {page}", "(fetch)", f"answered {response.status_code}")
                return
            try:
                data = response.json()
            except ValueError:
                yield skipped(where, f"page {page}", "(JSON)", "the answer is not JSON")
                return
            studies = data.get("studies") if isinstance(data, dict) else None
            if not isinstance(studies, list):
                yield skipped(where, f"page {page}", "studies", "expected a list of studies")
                return
            for study in studies[: max_records - seen]:
                seen += 1
                yield where, _label(seen, study), study, None
            token = data.get("nextPageToken")
            if len(studies) < page_size or not token:
                return
