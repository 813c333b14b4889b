"""One action of a page or of an API operation, done the same way in every app.

A page's action loads what the user may act on through the selectors (404, 403),
binds the form, calls one service, then redirects with a message or shows what
went wrong:

- :func:`form_submit`, for a page that holds the form: the service's
  ``ValidationError`` goes onto the form (:func:`~tianping.web.core.validation.apply_errors`)
  and the page is shown again;
- :func:`post_and_redirect`, for a button on another page: the form's errors or
  the service's refusal become a message, and the browser goes back there.

An API operation loads the same way and calls :func:`perform`; the API's error
handlers (:mod:`tianping.web.core.api`) answer a refusal.

::

    done = actions.form_submit(
        request, form,
        lambda data: services.meeting_create(actor=request.user, body=body, **data),
        success=_("Meeting convened."),
        then=lambda meeting: reverse("reviews:meeting_detail", args=[meeting.pk]),
    )
    if done is not None:
        return done
    return render(request, "reviews/meetings/meeting_form.html", {"form": form}, status=...)

    perform(services.deadline_extend, request, payload, application=app)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from pydantic import BaseModel

from tianping.web.core.validation import apply_errors

T = TypeVar("T")

Data = dict[str, Any]
"""A valid form's ``cleaned_data`` (a copy), as an action receives it."""


def error_message(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal, as one error message."""
    messages.error(request, " ".join(exc.messages))


def form_errors_message(request: HttpRequest, form: forms.BaseForm) -> None:
    """A form's errors, as one error message: each after its field's label."""
    texts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(e) for e in errors)
        texts.append(f"{label}: {text}" if label else text)
    messages.error(request, " ".join(texts) or _("Please correct the form."))


def form_submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[Data], T],
    *,
    success: str,
    then: str | Callable[[T], str],
) -> HttpResponse | None:
    """On a POST with a valid ``form``: ``action(data)``, ``success`` as a message, a redirect.

    ``then`` is the URL to go to, or a function of what the action returned that
    gives it. ``None`` when the page is to be shown (again): on a GET, with an
    invalid form, or when the service refused; its ``ValidationError`` is then on
    the form, on the fields it names.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(dict(form.cleaned_data))
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, success)
    return redirect(then(result) if callable(then) else then)


def post_and_redirect(
    request: HttpRequest,
    action: Callable[[Data], object],
    *,
    back: str,
    success: str = "",
    form: forms.BaseForm | None = None,
    invalid: Callable[[HttpRequest, forms.BaseForm], None] = form_errors_message,
) -> HttpResponse:
    """Do a button's action and go ``back`` (a URL), with a message on what happened.

    An invalid ``form`` is reported by ``invalid`` and nothing is done; otherwise
    ``action`` gets the form's data (``{}`` without a form), and the service's
    ``ValidationError`` becomes an error message, success the ``success`` message
    (none when empty).
    """
    if form is not None and not form.is_valid():
        invalid(request, form)
    else:
        try:
            action(dict(form.cleaned_data) if form is not None else {})
        except ValidationError as exc:
            error_message(request, exc)
        else:
            if success:
                messages.success(request, success)
    return redirect(back)


def pdf_download(
    pdf: bytes | memoryview | None, *, ready: bool, filename: str, not_ready: str
) -> HttpResponse:
    """A background job's PDF as a download named ``filename``; 409 with ``not_ready`` until
    the job is ``ready`` (done) and has one."""
    if not ready or pdf is None:
        return HttpResponse(not_ready, status=409, content_type="text/plain")
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def perform(
    service: Callable[..., T], request: HttpRequest, payload: BaseModel | None = None, /, **on: Any
) -> T:
    """Call ``service`` as the request's user, on the objects ``on``, with the payload's fields.

    For an API operation whose payload's fields are the service's own keywords
    (``expected_version`` included); the objects are those loaded for it.
    """
    fields = payload.model_dump() if payload is not None else {}
    return service(actor=request.user, **on, **fields)


__all__ = [
    "Data",
    "error_message",
    "form_errors_message",
    "form_submit",
    "pdf_download",
    "perform",
    "post_and_redirect",
]
