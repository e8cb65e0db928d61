"""`{% related_documents network %}`: the library's documents to read next to a network (its
own documents first, then the guides for condominiums). Renders nothing when there is none."""

from django import template

from library import queries

register = template.Library()


@register.inclusion_tag("library/_related_documents.html")
def related_documents(network=None, limit=3):
    return {"documents": queries.documents_for_network(network, limit=limit)}
