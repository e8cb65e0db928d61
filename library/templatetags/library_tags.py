"""`{% related_documents network %}`: the library's documents to read next to a network (its
own documents first, then the guides for condominiums; for an address too far from any
network, the guides on other solutions and aids). Renders nothing when there is none."""

from django import template

from library import queries

register = template.Library()


@register.inclusion_tag("library/_related_documents.html")
def related_documents(network=None, category="", limit=3):
    """`category`: the eligibility verdict's, for guides that fit it (too far from any network:
    other heating solutions and aids)."""
    return {"documents": queries.documents_for_verdict(network, category, limit=limit)}
