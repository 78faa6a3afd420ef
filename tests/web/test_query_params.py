"""Any query a visitor or an app sends is either understood or refused with a reason, never an
error of the server: property tests on the page's and Open311's query parameters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Config, load_config
from bot.domain.public_cases import LARGEST_PAGE
from handlers.web import cases, open311
from tests.conftest import ENVIRON, ROOT

CONFIG = load_config(ROOT / "config.example.toml", environ=ENVIRON)
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
PAGE_KEYS = st.sampled_from(["linh-vuc", "tinh-trang", "thang", "sau", "x"])
API_KEYS = st.sampled_from(
    ["service_request_id", "service_code", "start_date", "end_date", "status", "page_size", "after"]
)
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-03", "open", "closed", "open,closed", "1000", "0", "giao-thong"]),
    st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
)


@given(st.dictionaries(PAGE_KEYS, VALUES, max_size=4))
def test_the_page_understands_or_refuses(params: dict[str, str]) -> None:
    try:
        query = cases.list_query(params, CONFIG)
    except cases.BadQueryError:
        return
    assert query.limit == cases.PAGE_SIZE


@given(st.dictionaries(API_KEYS, VALUES, max_size=5))
def test_open311_understands_or_refuses(params: dict[str, str]) -> None:
    status = 400  # what a refusal must be
    try:
        query = open311.requests_query(params, CONFIG, NOW)
    except open311.Open311Error as error:
        status, query = error.status, None
    assert status == 400
    if query is not None:
        assert 1 <= query.limit <= LARGEST_PAGE
        if query.received_from and query.received_before:
            assert query.received_from < query.received_before


@pytest.mark.parametrize(
    "params",
    [
        {"end_date": "0001-01-01T00:00:00+00:00"},
        {"start_date": "9999-12-31T23:59:59-12:00"},
        {"end_date": "0001-01-01"},
    ],
)
def test_dates_at_the_ends_of_time_are_refused(params: dict[str, str]) -> None:
    with pytest.raises(open311.Open311Error):
        open311.requests_query(params, CONFIG, NOW)


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-1", "2026-00"])
def test_months_at_the_ends_of_time_are_refused(month: str) -> None:
    with pytest.raises(cases.BadQueryError):
        cases.list_query({"thang": month}, CONFIG)


@pytest.mark.parametrize(("end", "start"), [(None, "2026-08-30T03:00:00+00:00")])
def test_without_dates_the_last_90_days(end: str | None, start: str, config: Config) -> None:
    query = open311.requests_query({}, config, NOW)
    assert query is not None
    assert query.received_from == datetime.fromisoformat(start)
    assert query.received_before is end
