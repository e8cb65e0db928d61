import logging

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chauffage import ratelimit
from contacts import emails, routing, services
from contacts.forms import LeadForm
from contacts.models import Lead, OutgoingEmail
from eligibility import geocoding
from eligibility.forms import EligibilityForm
from eligibility.messages import explanation
from eligibility.rules import evaluate

logger = logging.getLogger(__name__)

SESSION_KEY = "contacts_lead"
AS_TYPED = "__tel_que_saisi__"  # the requester keeps the address they typed, not a suggestion


def _private(response):
    """Pages reached through a secret link: never cached nor indexed, and their address (the
    token) is sent as a referrer to this site only. `same-origin`, not `no-referrer`: with the
    latter Chromium sends `Origin: null` with the page's forms, which the CSRF check refuses."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _prefill(request) -> tuple[dict, object | None]:
    """The form's initial values and the verdict, from the result page's query string."""
    query = EligibilityForm(request.GET)
    initial = {}
    if request.GET.get("adresse"):
        initial["adresse"] = request.GET["adresse"][:200]
    if request.GET.get("chauffage") in {"collective", "individual"}:
        initial["heating_type"] = request.GET["chauffage"]
    # The result page's "Être conseillé" links (too far from any network) ask for advice.
    if request.GET.get("demande") == "conseil":
        initial["request_type"] = Lead.RequestType.ADVICE
    if not query.is_valid() or query.cleaned_data["lat"] is None:
        return initial, None
    data = query.cleaned_data
    initial.update(
        adresse=data["label"],
        label=data["label"],
        lat=data["lat"],
        lon=data["lon"],
        citycode=data["citycode"],
    )
    return initial, evaluate(lat=data["lat"], lon=data["lon"], citycode=data["citycode"] or "")


@require_http_methods(["GET", "HEAD", "POST"])
def lead_form(request):
    if request.method != "POST":
        initial, verdict = _prefill(request)
        recipients = (
            routing.recipients(verdict, initial.get("citycode") or verdict.citycode or "")
            if verdict is not None
            else None
        )
        form = LeadForm(initial=initial, recipients=recipients)
        return _render_form(request, form, verdict=verdict)

    wait = ratelimit.hit(request, ratelimit.from_setting("forms", settings.RATELIMIT_FORMS))
    if wait:
        response = render(request, "contacts/rate_limited.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response

    data = request.POST.copy()
    chosen = data.get("adresse_choisie", "")
    if chosen and chosen != AS_TYPED:
        data["adresse"] = chosen
    form = LeadForm(data)
    if not form.is_valid():
        return _render_form(request, form, status=400)

    cleaned = form.cleaned_data
    location = {"address_label": cleaned["adresse"].strip()}
    if cleaned["lat"] is not None:
        location.update(lat=cleaned["lat"], lon=cleaned["lon"], citycode=cleaned["citycode"])
    elif chosen != AS_TYPED:
        try:
            address = geocoding.geocode(cleaned["adresse"])
        except geocoding.AddressNotFound as not_found:
            if not_found.suggestions:
                form.add_error(
                    "adresse",
                    "Nous ne trouvons pas cette adresse : choisissez l’une des suggestions, "
                    "ou envoyez-la telle que vous l’avez saisie.",
                )
                context = {"suggestions": not_found.suggestions, "as_typed": AS_TYPED}
                return _render_form(request, form, status=400, **context)
            logger.info("Lead address not found: saved without coordinates.")
        except geocoding.GeocoderError:
            # The request is saved all the same, without coordinates: national triage.
            logger.warning("Address service unavailable: lead saved without coordinates.")
        else:
            location.update(
                address_label=address.label,
                lat=address.lat,
                lon=address.lon,
                citycode=address.citycode,
            )

    lead, created = services.create_lead(
        **form.lead_data(), **location, request_ip=ratelimit.client_ip(request)
    )
    request.session[SESSION_KEY] = {"id": lead.pk, "created": created}
    return redirect("contacts:lead_confirmation")


def _render_form(request, form, *, verdict=None, status=200, **extra):
    context = {
        "form": form,
        "verdict": verdict,
        "explanation": explanation(verdict) if verdict is not None else "",
        "personal_data_url": reverse("personal_data"),
        **extra,
    }
    return render(request, "contacts/lead_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def lead_confirmation(request):
    saved = request.session.get(SESSION_KEY)
    if not isinstance(saved, dict):
        return redirect("contacts:lead_form")
    lead = Lead.objects.select_related("organisation").filter(pk=saved.get("id")).first()
    if lead is None or lead.is_anonymised:
        return redirect("contacts:lead_form")
    context = {
        "lead": lead,
        "created": saved.get("created", True),
        "verdict_kind": services.verdict_kind(lead),
    }
    return render(request, "contacts/lead_confirmation.html", context)


def _lead_by_token(token: str) -> Lead:
    return get_object_or_404(
        Lead.objects.select_related("organisation"), token=token, anonymised_at__isnull=True
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def lead_private(request, token):
    lead = _lead_by_token(token)
    messages = lead.emails.filter(
        kind__in=OutgoingEmail.TO_REQUESTER, status=OutgoingEmail.Status.SENT
    ).order_by("sent_at", "pk")
    context = {"lead": lead, "messages_received": messages}
    return _private(render(request, "contacts/lead_private.html", context))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lead_delete(request, token):
    lead = _lead_by_token(token)
    if request.method != "POST":
        return _private(render(request, "contacts/lead_delete.html", {"lead": lead}))
    services.delete_at_requester_request(lead=lead)
    return _private(render(request, "contacts/lead_deleted.html"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def followup_answer(request, signed):
    answer = emails.read_followup_signature(signed)
    if answer is None:
        raise Http404("Lien de suivi invalide.")
    lead_id, contacted = answer
    lead = get_object_or_404(Lead, pk=lead_id, anonymised_at__isnull=True)
    context = {"lead": lead, "contacted": contacted}
    if request.method != "POST":
        # Mail scanners open links: a GET only shows the question.
        return _private(render(request, "contacts/followup_confirm.html", context))
    services.record_followup_answer(lead=lead, contacted=contacted)
    return _private(render(request, "contacts/followup_thanks.html", context))
