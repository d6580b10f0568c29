from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangvien.organisations.models import Organisation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roots = list(_top_organisations(request))
    return render(request, "core/home.html", {"roots": roots})


def _top_organisations(request: HttpRequest) -> list[Organisation]:
    from dangvien.accounts.scope import subtree_paths

    paths = subtree_paths(request.user)
    if paths == [""]:
        return list(Organisation.objects.filter(depth=1))
    return list(Organisation.objects.filter(path__in=paths))
