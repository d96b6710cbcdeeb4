from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .queries import todos_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """我的待办: the first page after sign-in, for every role."""
    return render(request, "todos/home.html", {"todos": todos_for(request.user)})
