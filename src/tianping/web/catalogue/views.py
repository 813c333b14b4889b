"""The searchable catalogue pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from tianping.text import normalise_language
from tianping.web.catalogue import selectors
from tianping.web.catalogue.forms import CatalogueFilterForm
from tianping.web.catalogue.models import Article, ListedActivity, Principle


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.requirement_search(
        principle=filters.get("principle") or None,
        article=filters.get("article"),
        stage=filters.get("stage") or None,
        tier=filters.get("tier") or None,
        text=filters.get("q") or None,
    )
    context = {
        "form": form,
        "items": items,
        "principles": Principle.objects.all(),
        "articles": Article.objects.all(),
        "listed": ListedActivity.objects.filter(active=True),
    }
    template = (
        "catalogue/_items.html" if request.headers.get("HX-Request") else "catalogue/index.html"
    )
    return render(request, template, context)


@login_required
def article(request: HttpRequest, number: int) -> HttpResponse:
    found = selectors.article_get(number)
    if found is None:
        raise Http404
    language = normalise_language(get_language())
    rows = [
        (item, selectors.answered_by(item.code, language=language)) for item in found.items.all()
    ]
    return render(request, "catalogue/article.html", {"article": found, "rows": rows})
