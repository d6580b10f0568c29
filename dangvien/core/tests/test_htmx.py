"""The htmx header check used by every list page and action view."""

from __future__ import annotations

from django.test import RequestFactory

from dangvien.core.htmx import is_htmx


def test_a_plain_request_is_not_htmx():
    request = RequestFactory().get("/")
    assert is_htmx(request) is False
    assert is_htmx(request, target="rows") is False


def test_an_htmx_request_is_htmx_whatever_the_target():
    request = RequestFactory().get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="other")
    assert is_htmx(request) is True


def test_a_target_must_match_exactly():
    request = RequestFactory().get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="person-rows")
    assert is_htmx(request, target="person-rows") is True
    assert is_htmx(request, target="member-rows") is False
    no_target = RequestFactory().get("/", HTTP_HX_REQUEST="true")
    assert is_htmx(no_target, target="person-rows") is False


def test_a_target_header_without_the_request_header_is_not_htmx():
    request = RequestFactory().get("/", HTTP_HX_TARGET="person-rows")
    assert is_htmx(request, target="person-rows") is False
