"""Requests refused before any view: a NUL byte (`%00`) in the path or the query string.

PostgreSQL refuses NUL in any text value ("A string literal cannot contain NUL characters"), so
every view that looked such a value up (a network's id, a private link's token, `?reseau=`…)
failed with a server error. No address, identifier or search of the service contains one: the
request is answered 400, with a French page, or a JSON error with a code for the API.
"""

from django.shortcuts import render

from chauffage.api import is_api_path, json_error

NUL = "\x00"
MESSAGE = (
    "L’adresse demandée contient un caractère nul (%00), qui n’est accepté dans aucune adresse "
    "ni aucun paramètre : vérifiez le lien ou la requête."
)


def has_nul_byte(request) -> bool:
    if NUL in request.path:
        return True
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul_byte(request):
            if is_api_path(request.path):
                return json_error("invalid_parameters", MESSAGE, status=400)
            return render(request, "400.html", {"message": MESSAGE}, status=400)
        return self.get_response(request)
