"""Old and new values in the back office's journal (Django's LogEntry).

Django records which fields an admin change touched (`{"changed": {"fields": [labels]}}`), not
what they held. `ValuesInJournal` adds, for the object's own form, each changed field's value
before and after, written once in French at save time (`"values": [{"field", "old", "new"}]`,
beside the labels Django reads; Django ignores the extra key). A geometry is described, not
copied: its kind, its points and its length or area, measured by PostGIS on the spheroid.
`describe_changes` renders an entry for the journal's pages.
"""

import json
from datetime import date, datetime

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from chauffage.formatting import number

EMPTY = "(vide)"
MAX_CHARS = 300
GEOMETRY_KINDS = {
    "Point": "point",
    "MultiPoint": "points",
    "LineString": "ligne",
    "MultiLineString": "lignes",
    "Polygon": "polygone",
    "MultiPolygon": "polygones",
    "GeometryCollection": "géométries",
}


class ValuesInJournal:
    """ModelAdmin mixin: the journal entry of a change names each changed field of the object
    with its old and new values (formsets keep Django's own message)."""

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        if add or not form.changed_data:
            return message
        values = [
            {
                "field": str(form.fields[name].label or name),
                "old": readable(form, name, form.initial.get(name)),
                "new": readable(form, name, form.cleaned_data.get(name)),
            }
            for name in form.changed_data
            if name in form.fields
        ]
        for part in message:
            changed = part.get("changed")
            if changed is not None and "object" not in changed:  # the object itself
                changed["values"] = values
                break
        return message


def readable(form, name: str, value) -> str:
    """A field's value as the national team reads it (French)."""
    field = form.fields[name]
    if isinstance(value, GEOSGeometry):
        return describe_geometry(value)
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    choices = getattr(field, "choices", None)
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        return _objects(queryset, value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if choices is not None and not isinstance(value, list | tuple):
        labels = {str(key): label for key, label in _flat(choices)}
        return str(labels.get(str(value), value))
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float | int):
        return number(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or EMPTY
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Truncator(str(value)).chars(MAX_CHARS)


def _flat(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield key, label


def _objects(queryset, value) -> str:
    """The names of the related objects a foreign key or a many-to-many field points to."""
    items = list(value) if isinstance(value, list | tuple) or hasattr(value, "model") else [value]
    if not items:
        return EMPTY
    pks = [item.pk if isinstance(item, Model) else item for item in items]
    names = {obj.pk: str(obj) for obj in queryset.model._base_manager.filter(pk__in=pks)}
    return ", ".join(sorted(names.get(pk, f"n° {pk} (supprimé)") for pk in pks))


def describe_geometry(geometry: GEOSGeometry) -> str:
    """« lignes, 124 points, 2,4 km » (or hectares for surfaces), never the coordinates."""
    if geometry.srid and geometry.srid != 4326:
        geometry = geometry.transform(4326, clone=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Length(g), ST_Area(g) FROM (SELECT ST_GeogFromText(%s) AS g) AS measured",
            [geometry.ewkt if geometry.srid else f"SRID=4326;{geometry.wkt}"],
        )
        length_m, area_m2 = cursor.fetchone()
    parts = [
        GEOMETRY_KINDS.get(geometry.geom_type, geometry.geom_type),
        f"{number(geometry.num_coords)} points",
    ]
    if area_m2:
        parts.append(f"{number(area_m2 / 10_000, 2)} ha")
    elif length_m:
        parts.append(f"{number(length_m / 1000, 2)} km")
    return ", ".join(parts)


def recorded_values(entry) -> list[dict]:
    """The old and new values a journal entry recorded (none for Django's plain entries)."""
    try:
        message = json.loads(entry.change_message or "[]")
    except json.JSONDecodeError:
        return []
    if not isinstance(message, list):
        return []
    for part in message:
        changed = part.get("changed") if isinstance(part, dict) else None
        if isinstance(changed, dict) and isinstance(changed.get("values"), list):
            return [v for v in changed["values"] if isinstance(v, dict)]
    return []


def describe_changes(entry):
    """Django's sentence, then each changed field: « Seuil « très proche » (m) : 100 → 60 »."""
    sentence = entry.get_change_message()
    values = recorded_values(entry)
    if not values:
        return sentence
    items = format_html_join(
        "",
        "<li>{} : {} → {}</li>",
        ((v.get("field", ""), v.get("old", ""), v.get("new", "")) for v in values),
    )
    return format_html('{}<ul class="journal-values">{}</ul>', sentence, items)
