"""The supervisory office's and the admin's pages in a real browser over a generated month: the dashboard's
figures equal the API's, a chart per figure group, a figure's cases, the case before and after completion
(``as_of``) and the comparison of two moments, a 差评 through review to closure, the monthly report and its
xlsx downloaded, a calendar change on the admin page reaching a deadline, a follow-up draw and a visit recorded, a department's
monthly submission then seen by the office, the annual assessment, accounts, catalog and register pages; axe-core
on every page."""

from __future__ import annotations

from datetime import datetime

import pytest

from shared.clock import CHINA, ManualClock
from shared.settings import Settings
from deploy.servers import free_port
from tests.browser.conftest import Server
from tests.browser.supervision_flow import (
    calendar_change, case_before_and_after_completion, dashboard, follow_up_draw, generated_month, monthly_report,
    monthly_submission, office_reference_pages, rectification_to_closure,
)


@pytest.fixture(scope="module")
def web_clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 2, 8, 0, tzinfo=CHINA))


@pytest.fixture(scope="module")
def server(tmp_path_factory, web_clock):
    from services.app import create_app

    settings = Settings(data_dir=tmp_path_factory.mktemp("office") / "data", relay_poll_seconds=0.05,
                        default_rating_after_days=7)
    with Server(create_app(settings, web_clock), free_port()) as running:
        yield running


@pytest.fixture(scope="module")
def month(server, web_clock):
    return generated_month(server, web_clock)


@pytest.mark.timeout(900)
def test_the_dashboard_is_the_apis_figures_with_a_chart_per_group(open_page, month):
    dashboard(open_page, month)


def test_the_case_before_and_after_completion_and_what_changed(open_page, month):
    case_before_and_after_completion(open_page, month)


def test_a_bad_rating_through_review_to_closure(open_page, month):
    rectification_to_closure(open_page, month)


def test_the_monthly_report_and_its_workbook_from_the_page(open_page, month):
    monthly_report(open_page, month)


def test_a_calendar_change_on_the_admin_page_reaches_a_deadline(open_page, month):
    calendar_change(open_page, month)


def test_a_follow_up_draw_and_a_visit_recorded(open_page, month):
    follow_up_draw(open_page, month)


def test_a_departments_monthly_submission_then_seen_by_the_office(open_page, month):
    monthly_submission(open_page, month)


def test_the_annual_assessment_accounts_catalog_and_register_pages(open_page, month):
    office_reference_pages(open_page, month)
