"""The project's own views: ``/healthz`` and the error pages (which never read the request body,
so a body Django cannot parse still gets the site's 400 page)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """Liveness probe that goes through the whole middleware stack and touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


# --- Error pages ---------------------------------------------------------------------------
# Django's default 400 and 403 handlers are wrapped in ``requires_csrf_token``, which reads
# ``request.POST`` again; for a body Django refused to parse (a form in UTF-16, broken
# multipart, too many fields) that raises a second time and the visitor gets a 500. These
# handlers never touch the request's body: the layout only needs the user, the session and
# the CSRF cookie, none of which read it.


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors or database here: whatever failed may fail again.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
