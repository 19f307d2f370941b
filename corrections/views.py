"""
The reader's side: the report form of a page, and the thank-you page it redirects to.
No account is needed; a script is kept out by the CSRF check, the honeypot and an hourly
allowance per sender, and nothing public changes until an editor decides.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .addresses import sender_digest
from .forms import CorrectionForm
from .services import TooManyCorrections, correction_submit, seconds_until_allowed
from .targets import find_target


def too_many(request, target, retry_after):
    response = render(
        request,
        "corrections/too_many.html",
        {
            "target": target,
            "retry_after_minutes": (retry_after + 59) // 60,
            "sent": request.method == "POST",
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def thanks_url(target):
    return f"{reverse('corrections:thanks')}?{target.query}"


@require_http_methods(["GET", "HEAD", "POST"])
def correction_new(request):
    target = find_target(request.GET)
    sender = sender_digest(request)
    if request.method != "POST":
        wait = seconds_until_allowed(sender)
        if wait:
            return too_many(request, target, wait)
        form = CorrectionForm()
    else:
        form = CorrectionForm(request.POST)
        if form.is_spam():
            # Answered as a report taken, so that a script learns nothing; nothing is kept.
            return HttpResponseRedirect(thanks_url(target))
        if form.is_valid():
            try:
                correction_submit(
                    target=target,
                    what_is_wrong=form.cleaned_data["what_is_wrong"],
                    source=form.cleaned_data["source"],
                    email=form.cleaned_data["email"],
                    address_digest=sender,
                )
            except TooManyCorrections as refusal:
                return too_many(request, target, refusal.retry_after)
            return HttpResponseRedirect(thanks_url(target))
    return render(request, "corrections/new.html", {"target": target, "form": form})


@require_http_methods(["GET", "HEAD"])
def correction_thanks(request):
    return render(request, "corrections/thanks.html", {"target": find_target(request.GET)})
