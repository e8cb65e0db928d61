"""The prospects pages of the back office (journey 7): a list with a map, and its exports.

Mounted under /admin/prospects/ (chauffage/urls.py) and wrapped by `admin.site.admin_view`: staff
only, with two-factor authentication when required. Least privilege: an operator's, agency's or
authority's staff see their own organisation's prospects; another organisation or another
organisation's network in the query string is a 404; a staff member of no organisation sees
nothing; the national team chooses any organisation.
"""

import logging

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from contacts import prospects
from contacts.models import Organisation, is_national_team, membership_organisation
from eligibility.models import CONDOMINIUM_ENERGIES

audit = logging.getLogger("contacts.audit")

PER_PAGE = 50
MAP_LIMIT = 3000  # points drawn on the map; the list and the exports have them all

ALL_TERRITORY = "tout"
ALL_ENERGIES = "toutes"


class ProspectFilterForm(forms.Form):
    """The filters, read from the query string (GET): each one has a label and a clear message."""

    distance = forms.ChoiceField(label="Distance maximale au réseau", required=False)
    energie = forms.ChoiceField(
        label="Énergie de chauffage",
        required=False,
        choices=[
            (prospects.FOSSIL, "Énergies fossiles (gaz, fioul, charbon)"),
            (ALL_ENERGIES, "Toutes les énergies"),
        ]
        + sorted(CONDOMINIUM_ENERGIES.items(), key=lambda kv: kv[1]),
    )
    logements_min = forms.IntegerField(
        label="Nombre minimal de logements",
        required=False,
        min_value=0,
        max_value=100_000,
        error_messages={"invalid": "Indiquez un nombre entier de logements, par exemple 20."},
    )
    tri = forms.ChoiceField(
        label="Ordre",
        required=False,
        choices=[
            ("distance", "Les plus proches d’abord, puis les plus grandes"),
            ("taille", "Les plus grandes d’abord, puis les plus proches"),
        ],
    )

    def __init__(self, query, *, scope: prospects.Scope):
        data = query.copy()
        # The defaults: 300 m from a network (the whole territory for an agency), fossil
        # energies, the nearest first.
        if not data.get("distance"):
            data["distance"] = (
                str(prospects.DEFAULT_RADIUS) if scope.mode == "networks" else ALL_TERRITORY
            )
        data["energie"] = data.get("energie") or prospects.FOSSIL
        data["tri"] = data.get("tri") or "distance"
        super().__init__(data)
        radius_choices = [(str(m), f"{m}\u00a0m") for m in prospects.RADIUS_CHOICES]
        if scope.mode == "territory":
            radius_choices.insert(0, (ALL_TERRITORY, "Tout le territoire"))
        self.fields["distance"].choices = radius_choices
        self.fields["distance"].help_text = (
            "Jusqu’au tracé le plus proche de vos réseaux, à vol d’oiseau."
            if scope.mode == "networks"
            else "Sans limite, la distance au réseau le plus proche est indiquée jusqu’à "
            "1\u00a0000\u00a0m."
        )

    def filters(self, network) -> prospects.Filters:
        data = self.cleaned_data
        distance = data["distance"]
        return prospects.Filters(
            network=network,
            radius=None if distance == ALL_TERRITORY else int(distance),
            energy="" if data["energie"] == ALL_ENERGIES else data["energie"],
            min_dwellings=data.get("logements_min"),
            order="size" if data["tri"] == "taille" else "distance",
        )


def _organisation(request) -> tuple[Organisation | None, list[Organisation]]:
    """The organisation whose prospects are shown, and the ones the user may choose from.

    The national team picks any organisation (`?organisme=<id>`); anybody else has their own,
    and naming another one is a 404, like an organisation that does not exist."""
    requested = request.GET.get("organisme", "").strip()
    if is_national_team(request.user):
        choices = list(
            Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_TEAM).order_by("name")
        )
        if not requested:
            return None, choices
        chosen = next((o for o in choices if str(o.pk) == requested), None)
        if chosen is None:
            raise Http404("Aucun organisme avec cet identifiant.")
        return chosen, choices
    organisation = membership_organisation(request.user)
    if organisation is None or organisation.kind == Organisation.Kind.NATIONAL_TEAM:
        if requested:
            raise Http404("Aucun organisme avec cet identifiant.")
        return None, []
    if requested and requested != str(organisation.pk):
        raise Http404("Aucun organisme avec cet identifiant.")
    return organisation, []


def _search(request):
    """(organisation, choices, scope, form, filters, matches) for the list and the exports."""
    organisation, choices = _organisation(request)
    if organisation is None:
        return organisation, choices, None, None, None, []
    scope = prospects.scope_for(organisation)
    network = None
    network_key = request.GET.get("reseau", "").strip()
    if network_key:
        network = scope.network(network_key)
        if network is None:  # another organisation's network, or none: not found either way
            raise Http404("Aucun réseau de cet organisme avec cet identifiant.")
    form = ProspectFilterForm(request.GET, scope=scope)
    if not form.is_valid():
        return organisation, choices, scope, form, None, []
    filters = form.filters(network)
    return organisation, choices, scope, form, filters, prospects.find(scope, filters)


def prospect_list(request):
    organisation, choices, scope, form, filters, matches = _search(request)
    paginator = Paginator(matches, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = prospects.load(page.object_list, user=request.user) if matches else []
    map_points = [
        {
            "lat": round(p.latitude, 6),
            "lon": round(p.longitude, 6),
            "name": str(p.condominium),
            "address": p.condominium.adresse_reference,
            "dwellings": p.condominium.nb_lot_habitation,
            "network": p.network.id if p.network else "",
            "distance": p.distance_m,
        }
        for p in prospects.load(matches[:MAP_LIMIT], user=request.user, with_leads=False)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **admin.site.each_context(request),
        "title": "Prospects : copropriétés à chauffage collectif",
        "organisation": organisation,
        "organisation_choices": choices,
        "national_team": is_national_team(request.user),
        "scope": scope,
        "form": form,
        "filters": filters,
        "selected_network": request.GET.get("reseau", ""),
        "page": page,
        "rows": rows,
        "total": len(matches),
        "map_data": {
            "points": map_points,
            "routes": prospects.network_routes(scope.networks) if scope else [],
            "truncated": len(matches) > MAP_LIMIT,
        },
        "map_limit": MAP_LIMIT,
        "query_string": query.urlencode(),
    }
    request.current_app = admin.site.name
    return TemplateResponse(request, "admin/prospects/list.html", context)


def prospect_export(request, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Format d’export inconnu.")
    organisation, _, scope, form, filters, matches = _search(request)
    if organisation is None:
        raise Http404("Choisissez un organisme.")
    rows = prospects.load(matches, user=request.user)
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        content, content_type = prospects.to_xlsx(rows), prospects.XLSX_TYPE
    else:
        content, content_type = prospects.to_csv(rows), prospects.CSV_TYPE
    audit.info(
        "Export %s of %s prospects of organisation %s by user %s",
        fmt,
        len(rows),
        organisation.pk,
        request.user.pk,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="prospects-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
