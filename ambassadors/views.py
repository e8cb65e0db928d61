"""The ambassadors' pages: public listing and detail, the message form, the sign-up (two steps:
the address, then the network among the nearby ones and the rest), the pages reached from the
emails' links (confirmation, private management page, reply), the photos and the GeoJSON layer.

Pages reached through a secret or signed link are never cached nor indexed, and their address is
sent as a referrer to this site only (`same-origin`: `no-referrer` makes Chromium send
`Origin: null` with their forms, which the CSRF check refuses); their GET never changes anything
(mail scanners open links): a POST does.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ambassadors import emails, images, queries, services
from ambassadors.forms import (
    AddressStepForm,
    EditForm,
    ListFilterForm,
    ManageLinkForm,
    MessageForm,
    ReplyForm,
    SignUpForm,
    distance_label,
)
from ambassadors.models import Ambassador
from chauffage import ratelimit
from chauffage.api import api_endpoint
from contacts.models import is_national_team
from eligibility import geocoding

logger = logging.getLogger(__name__)

PAGE_SIZE = 12
# A request body larger than this is refused before it is read (a photo of 5 MB and the fields).
MAX_REQUEST_BYTES = images.MAX_BYTES + 512 * 1024
PUBLIC_DECIMALS = 3  # coordinates of the GeoJSON layer: about 100 m, the street, not the building
DISTANCE_STEP_M = 100  # distances shown rounded: they must not locate the building either
LIST_TITLE = "Copropriétés ambassadrices"


def _private(response):
    """Pages reached through a secret link: never indexed; their address (the token) is sent as
    a referrer to this site only (see the module's docstring)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def _crumbs(current: str, *, detail: Ambassador | None = None) -> dict:
    """django-dsfr's breadcrumb: Accueil › Ambassadeurs › (the ambassador) › current."""
    links = (
        [] if current == LIST_TITLE else [{"url": reverse("ambassadors:list"), "title": LIST_TITLE}]
    )
    if detail is not None:
        links.append({"url": detail.get_absolute_url(), "title": f"Copropriété, {detail.commune}"})
    return {"links": links, "current": current}


def _rate_limited(request, scope: str, setting: str):
    wait = ratelimit.hit(request, ratelimit.from_setting(scope, setting))
    if not wait:
        return None
    response = render(request, "contacts/rate_limited.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _too_large(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= MAX_REQUEST_BYTES:
        return None
    return render(request, "ambassadors/too_large.html", status=413)


def _resolve(form) -> tuple[services.Place | None, dict]:
    """The building of a valid address form: the autocomplete's coordinates, else the geocoded
    text. Returns (place, {}) or (None, context for the address step with the error)."""
    data = form.cleaned_data
    if data["lat"] is not None and data["citycode"]:
        return services.place_from_label(
            label=data["label"], lat=data["lat"], lon=data["lon"], citycode=data["citycode"]
        ), {}
    try:
        address = geocoding.geocode(data["adresse"])
    except geocoding.AddressNotFound as not_found:
        form.add_error(
            "adresse",
            "Nous ne trouvons pas cette adresse. Vérifiez-la ou choisissez l’une des suggestions.",
        )
        return None, {"suggestions": not_found.suggestions, "status": 404}
    except geocoding.GeocoderError:
        return None, {"geocoder_unavailable": True, "status": 503}
    return services.place_from_label(
        label=address.label,
        lat=address.lat,
        lon=address.lon,
        citycode=address.citycode,
        city=address.city,
    ), {}


# --- Public pages ------------------------------------------------------------------------------


@require_GET
def ambassador_list(request):
    form = ListFilterForm(
        request.GET or None,
        networks=queries.network_filter_choices(),
        communes=queries.commune_filter_choices(),
    )
    ambassadors = Ambassador.objects.published().select_related("network")
    near_label, status, extra = "", 200, {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["reseau"]:
            ambassadors = ambassadors.for_network(data["reseau"])
        if data["commune"]:
            ambassadors = ambassadors.filter(code_insee=data["commune"])
        lat, lon = data["lat"], data["lon"]
        if lat is None and data["adresse"]:
            try:
                address = geocoding.geocode(data["adresse"])
            except geocoding.AddressNotFound as not_found:
                form.add_error(
                    "adresse",
                    "Nous ne trouvons pas cette adresse. Vérifiez-la ou choisissez l’une des "
                    "suggestions.",
                )
                extra["suggestions"] = not_found.suggestions
                status = 404
            except geocoding.GeocoderError:
                extra["geocoder_unavailable"] = True
                status = 503
            else:
                lat, lon, near_label = address.lat, address.lon, address.label
        elif lat is not None:
            near_label = data["label"] or data["adresse"]
        if lat is not None:
            ambassadors = ambassadors.near(queries.point(lat, lon))
        else:
            ambassadors = ambassadors.order_by("-published_at", "-pk")
    else:
        if form.is_bound:
            status = 400
        ambassadors = ambassadors.order_by("-published_at", "-pk")

    page = Paginator(ambassadors, PAGE_SIZE).get_page(request.GET.get("page"))
    for ambassador in page:
        distance = getattr(ambassador, "distance", None)
        ambassador.distance_label = _rounded_distance(distance.m) if distance is not None else ""
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "near_label": near_label,
        "query": query.urlencode(),
        "breadcrumb_data": _crumbs(LIST_TITLE),
        **extra,
    }
    return render(request, "ambassadors/list.html", context, status=status)


def _rounded_distance(metres: float) -> str:
    if metres < DISTANCE_STEP_M:
        return f"moins de {DISTANCE_STEP_M} m"
    return f"environ {distance_label(round(metres / DISTANCE_STEP_M) * DISTANCE_STEP_M)}"


def _published(pk: int) -> Ambassador:
    return get_object_or_404(Ambassador.objects.published().select_related("network"), pk=pk)


@require_GET
def ambassador_detail(request, pk):
    ambassador = _published(pk)
    context = {
        "ambassador": ambassador,
        "breadcrumb_data": _crumbs(f"Copropriété, {ambassador.commune}"),
    }
    return render(request, "ambassadors/detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def message_form(request, pk):
    ambassador = _published(pk)
    if request.method != "POST":
        return _render_message_form(request, ambassador, MessageForm())
    limited = _rate_limited(request, "ambassador-message", settings.RATELIMIT_AMBASSADOR_MESSAGES)
    if limited:
        return limited
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _render_message_form(request, ambassador, form, status=400)
    data = form.cleaned_data
    services.send_message(
        ambassador=ambassador,
        asker_name=data["asker_name"],
        asker_email=data["asker_email"],
        building_address=data["building_address"],
        share_email=data["share_email"],
        body=data["body"],
        honeypot=data["site_web"],
        request_ip=ratelimit.client_ip(request),
    )
    return redirect("ambassadors:message_sent", pk=ambassador.pk)


def _render_message_form(request, ambassador, form, *, status=200):
    context = {
        "ambassador": ambassador,
        "form": form,
        "max_length": form.fields["body"].max_length,
        "retention_days": settings.AMBASSADOR_MESSAGE_RETENTION_DAYS,
        "breadcrumb_data": _crumbs("Contacter cette copropriété", detail=ambassador),
    }
    return render(request, "ambassadors/message_form.html", context, status=status)


@require_GET
def message_sent(request, pk):
    ambassador = _published(pk)
    return render(request, "ambassadors/message_sent.html", {"ambassador": ambassador})


@require_GET
def photo(request, pk):
    """A published ambassador's photo (the national team also sees those awaiting moderation).
    Always the re-encoded JPEG, never what was uploaded."""
    ambassador = get_object_or_404(Ambassador, pk=pk)
    if not (ambassador.is_public or is_national_team(request.user)) or not ambassador.photo:
        raise Http404("Pas de photo.")
    return _photo_response(ambassador, public=ambassador.is_public)


def _photo_response(ambassador, *, public: bool):
    try:
        handle = ambassador.photo.open("rb")
    except OSError as error:
        raise Http404("Photo introuvable.") from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@api_endpoint
def api_geojson(request):
    """The published ambassadors as a GeoJSON FeatureCollection (lon/lat rounded to about 100 m),
    public fields only. `?reseau=<national id>` keeps one network's."""
    ambassadors = (
        Ambassador.objects.published()
        .filter(location__isnull=False)
        .select_related("network")
        .order_by("pk")
    )
    network_id = request.GET.get("reseau", "").strip()[:12]
    if network_id:
        ambassadors = ambassadors.for_network(network_id)
    features = [_feature(request, ambassador) for ambassador in ambassadors]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def _feature(request, ambassador: Ambassador) -> dict:
    network = ambassador.network
    photo_url = ambassador.public_photo_url()
    return {
        "type": "Feature",
        "id": ambassador.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [
                round(ambassador.location.x, PUBLIC_DECIMALS),
                round(ambassador.location.y, PUBLIC_DECIMALS),
            ],
        },
        "properties": {
            "id": ambassador.pk,
            "commune": ambassador.commune,
            "code_insee": ambassador.code_insee,
            "street": ambassador.street,
            "network_id": network.network_id if network else None,
            "network_name": network.name if network else None,
            "connection_year": ambassador.connection_year,
            "dwellings": ambassador.dwellings,
            "testimony_excerpt": _excerpt(ambassador.testimony),
            "url": request.build_absolute_uri(ambassador.get_absolute_url()),
            "contact_url": request.build_absolute_uri(
                reverse("ambassadors:message_form", args=[ambassador.pk])
            ),
            "photo_url": request.build_absolute_uri(photo_url) if photo_url else None,
        },
    }


def _excerpt(text: str, length: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


# --- Sign-up -----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request):
    if request.method != "POST":
        if "adresse" not in request.GET:
            return _render_address_step(request, AddressStepForm())
        address_form = AddressStepForm(request.GET)
        if not address_form.is_valid():
            return _render_address_step(request, address_form, status=400)
        place, error = _resolve(address_form)
        if place is None:
            return _render_address_step(request, address_form, **error)
        networks = queries.networks_near(lat=place.lat, lon=place.lon, citycode=place.code_insee)
        if not networks:
            return _render_address_step(request, address_form, no_network=place)
        form = SignUpForm(initial=_place_initial(place), networks=networks)
        return _render_sign_up(request, form, place)

    too_large = _too_large(request)
    if too_large:
        return too_large
    limited = _rate_limited(request, "ambassador-signup", settings.RATELIMIT_FORMS)
    if limited:
        return limited
    address_form = AddressStepForm(request.POST)
    if not address_form.is_valid():
        return _render_address_step(request, address_form, status=400)
    place, error = _resolve(address_form)
    if place is None:
        return _render_address_step(request, address_form, **error)
    networks = queries.networks_near(lat=place.lat, lon=place.lon, citycode=place.code_insee)
    data = request.POST.copy()
    for name, value in _place_initial(place).items():
        data[name] = value
    form = SignUpForm(data, request.FILES, networks=networks)
    if not networks:
        return _render_address_step(request, address_form, no_network=place)
    if not form.is_valid():
        return _render_sign_up(request, form, place, status=400)
    cleaned = form.cleaned_data
    if cleaned["site_web"]:
        logger.info("Ambassador sign-up dropped: honeypot.")
        return redirect("ambassadors:sign_up_thanks")
    services.sign_up(
        place=place,
        network=form.networks[cleaned["network"]],
        contact_email=cleaned["contact_email"],
        consent=cleaned["consent"],
        photo=cleaned["photo"] or None,
        **form.listing_data(),
    )
    return redirect("ambassadors:sign_up_thanks")


def _place_initial(place: services.Place) -> dict:
    return {
        "adresse": place.label,
        "label": place.label,
        "lat": place.lat,
        "lon": place.lon,
        "citycode": place.code_insee,
    }


def _render_address_step(request, form, *, status=200, **extra):
    context = {
        "form": form,
        "radius_m": settings.AMBASSADOR_NETWORK_RADIUS_M,
        "breadcrumb_data": _crumbs("Devenir ambassadrice"),
        **extra,
    }
    return render(request, "ambassadors/sign_up_address.html", context, status=status)


def _render_sign_up(request, form, place, *, status=200):
    context = {
        "form": form,
        "place": place,
        "change_url": f"{reverse('ambassadors:sign_up')}?{urlencode({'adresse': place.label})}",
        "pending_days": settings.AMBASSADOR_PENDING_DAYS,
        "breadcrumb_data": _crumbs("Devenir ambassadrice"),
    }
    return render(request, "ambassadors/sign_up.html", context, status=status)


@require_GET
def sign_up_thanks(request):
    return render(request, "ambassadors/sign_up_thanks.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token):
    ambassador = get_object_or_404(
        Ambassador.objects.exclude(status=Ambassador.Status.WITHDRAWN), verification_token=token
    )
    if request.method != "POST":
        # Mail scanners open links: a GET only shows the button.
        return _private(render(request, "ambassadors/verify.html", {"ambassador": ambassador}))
    confirmed = services.confirm_email(ambassador=ambassador)
    ambassador.refresh_from_db()
    context = {"ambassador": ambassador, "confirmed": confirmed}
    return _private(render(request, "ambassadors/verified.html", context))


# --- The contact's private page ----------------------------------------------------------------


def _by_manage_token(token: str) -> Ambassador:
    return get_object_or_404(
        Ambassador.objects.select_related("network").exclude(status=Ambassador.Status.WITHDRAWN),
        manage_token=token,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    ambassador = _by_manage_token(token)
    editable = ambassador.status != Ambassador.Status.REJECTED
    if request.method != "POST" or not editable:
        form = EditForm(
            initial={name: getattr(ambassador, name) for name in services.LISTING_FIELDS}
        )
        return _render_manage(request, ambassador, form)
    too_large = _too_large(request)
    if too_large:
        return too_large
    form = EditForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_manage(request, ambassador, form, status=400)
    services.update_listing(
        ambassador=ambassador,
        data=form.listing_data(),
        photo=form.cleaned_data["photo"],
        remove_photo=form.cleaned_data["remove_photo"],
    )
    return _private(redirect(f"{reverse('ambassadors:manage', args=[token])}?modifiee=1"))


def _render_manage(request, ambassador, form, *, status=200):
    context = {
        "ambassador": ambassador,
        "form": form,
        "saved": request.GET.get("modifiee") == "1" and status == 200,
        "token": ambassador.manage_token,
        "photo_url": (
            reverse("ambassadors:manage_photo", args=[ambassador.manage_token])
            if ambassador.photo
            else ""
        ),
    }
    return _private(render(request, "ambassadors/manage.html", context, status=status))


@never_cache
@require_http_methods(["POST"])
def manage_pause(request, token):
    ambassador = _by_manage_token(token)
    if ambassador.status == Ambassador.Status.PUBLISHED:
        services.pause(ambassador=ambassador)
    elif ambassador.status == Ambassador.Status.PAUSED:
        services.resume(ambassador=ambassador)
    return _private(redirect("ambassadors:manage", token=token))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_withdraw(request, token):
    ambassador = _by_manage_token(token)
    if request.method != "POST":
        return _private(render(request, "ambassadors/withdraw.html", {"ambassador": ambassador}))
    services.withdraw(ambassador=ambassador)
    return _private(render(request, "ambassadors/withdrawn.html"))


@never_cache
@require_GET
def manage_photo(request, token):
    ambassador = _by_manage_token(token)
    if not ambassador.photo:
        raise Http404("Pas de photo.")
    return _private(_photo_response(ambassador, public=False))


@require_http_methods(["GET", "HEAD", "POST"])
def manage_link(request):
    """A lost private link: sent again to the sign-up's email. The answer never says whether the
    address is known."""
    if request.method != "POST":
        return render(request, "ambassadors/manage_link.html", {"form": ManageLinkForm()})
    limited = _rate_limited(request, "ambassador-link", settings.RATELIMIT_FORMS)
    if limited:
        return limited
    form = ManageLinkForm(request.POST)
    if not form.is_valid():
        return render(request, "ambassadors/manage_link.html", {"form": form}, status=400)
    services.send_manage_links(email=form.cleaned_data["email"])
    return render(request, "ambassadors/manage_link.html", {"sent": True})


# --- Replies through the service ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reply(request, signed):
    read = emails.read_reply_signature(signed)
    if read is None:
        raise Http404("Lien de réponse invalide ou expiré.")
    message_id, by = read
    message = services.replyable(message_id, by)
    if message is None:
        raise Http404("Cet échange n’est plus disponible.")
    if request.method != "POST":
        return _render_reply(request, message, by, ReplyForm())
    limited = _rate_limited(request, "ambassador-message", settings.RATELIMIT_AMBASSADOR_MESSAGES)
    if limited:
        return limited
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _render_reply(request, message, by, form, status=400)
    services.reply(
        message=message,
        by=by,
        body=form.cleaned_data["body"],
        honeypot=form.cleaned_data["site_web"],
        request_ip=ratelimit.client_ip(request),
    )
    context = {"by_ambassador": by == emails.AMBASSADOR, "ambassador": message.ambassador}
    return _private(render(request, "ambassadors/reply_sent.html", context))


def _render_reply(request, message, by, form, *, status=200):
    root = message.root
    context = {
        "message": message,
        "root": root,
        "ambassador": message.ambassador,
        "by_ambassador": by == emails.AMBASSADOR,
        "form": form,
    }
    return _private(render(request, "ambassadors/reply.html", context, status=status))
