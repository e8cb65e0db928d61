"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json."""

from eligibility.rules import CATEGORIES

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {
            "type": "string",
            "enum": [
                "invalid_parameters",
                "address_not_found",
                "rate_limited",
                "geocoder_unavailable",
                "method_not_allowed",
                "not_found",
            ],
        },
        "message": {"type": "string", "description": "Message en français, à afficher."},
        "suggestions": {"type": "array", "items": {"$ref": "#/components/schemas/Address"}},
    },
}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def build(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API France Chaleur Urbaine",
            "version": "1.0.0",
            "description": (
                "Éligibilité d’une adresse ou d’un point aux réseaux de chaleur, et recherche "
                "d’adresses. Accès libre, sans clé, limité en nombre de requêtes par client. "
                "Données sous Licence Ouverte 2.0."
            ),
            "license": {
                "name": "Licence Ouverte 2.0",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            },
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/eligibility": {
                "get": {
                    "operationId": "getEligibility",
                    "summary": "Éligibilité d’une adresse ou d’un point",
                    "description": "Donnez soit `lat` et `lon`, soit `address`.",
                    "parameters": [
                        {
                            "name": "lat",
                            "in": "query",
                            "schema": {"type": "number", "minimum": -90, "maximum": 90},
                        },
                        {
                            "name": "lon",
                            "in": "query",
                            "schema": {"type": "number", "minimum": -180, "maximum": 180},
                        },
                        {
                            "name": "address",
                            "in": "query",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Le verdict.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Eligibility"}
                                }
                            },
                        },
                        "400": _error_response(
                            "Paramètres absents ou invalides (`invalid_parameters`)."
                        ),
                        "404": _error_response(
                            "Adresse introuvable (`address_not_found`), avec des suggestions."
                        ),
                        "429": _error_response(
                            "Trop de requêtes (`rate_limited`) : voir l’en-tête Retry-After."
                        ),
                        "503": _error_response(
                            "Service d’adresses indisponible (`geocoder_unavailable`)."
                        ),
                    },
                }
            },
            "/api/v1/addresses": {
                "get": {
                    "operationId": "searchAddresses",
                    "summary": "Autocomplétion d’adresses (10 suggestions au plus)",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 3, "maxLength": 200},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "Les suggestions, la meilleure d’abord.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["results"],
                                        "properties": {
                                            "results": {
                                                "type": "array",
                                                "maxItems": 10,
                                                "items": {
                                                    "$ref": "#/components/schemas/AddressSuggestion"
                                                },
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error_response("Paramètre `q` absent, trop court ou trop long."),
                        "429": _error_response("Trop de requêtes."),
                        "503": _error_response("Service d’adresses indisponible."),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Address": {
                    "type": "object",
                    "required": ["label", "lat", "lon", "citycode"],
                    "properties": {
                        "label": {"type": "string"},
                        "lat": {"type": "number"},
                        "lon": {"type": "number"},
                        "citycode": {"type": "string", "description": "Code INSEE de la commune."},
                    },
                },
                "AddressSuggestion": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Address"},
                        {
                            "type": "object",
                            "required": ["ban_id"],
                            "properties": {
                                "ban_id": {"type": "string", "description": "Identifiant BAN."}
                            },
                        },
                    ]
                },
                "Network": {
                    "type": "object",
                    "required": [
                        "id",
                        "name",
                        "operator",
                        "kind",
                        "classified",
                        "enrr_rate",
                        "co2_kg_per_kwh",
                        "url",
                    ],
                    "properties": {
                        "id": {
                            "type": "string",
                            "description": "Identifiant national (ex. 9502C).",
                        },
                        "name": {"type": "string"},
                        "operator": {"type": "string"},
                        "kind": {"type": "string", "enum": ["existing", "future"]},
                        "classified": {"type": "boolean"},
                        "enrr_rate": {
                            "type": ["number", "null"],
                            "description": "Taux EnR&R en %.",
                        },
                        "co2_kg_per_kwh": {"type": ["number", "null"]},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "Eligibility": {
                    "type": "object",
                    "required": [
                        "address",
                        "eligible",
                        "category",
                        "distance_m",
                        "threshold_m",
                        "in_priority_zone",
                        "network",
                        "explanation",
                    ],
                    "properties": {
                        "address": {
                            "oneOf": [{"$ref": "#/components/schemas/Address"}, {"type": "null"}]
                        },
                        "eligible": {"type": "boolean"},
                        "category": {"type": "string", "enum": CATEGORIES},
                        "distance_m": {
                            "type": ["integer", "null"],
                            "description": "Distance au sol, en mètres.",
                        },
                        "threshold_m": {
                            "type": ["integer", "null"],
                            "description": "Seuil appliqué, en mètres.",
                        },
                        "in_priority_zone": {"type": "boolean"},
                        "network": {
                            "oneOf": [{"$ref": "#/components/schemas/Network"}, {"type": "null"}]
                        },
                        "explanation": {"type": "string"},
                    },
                },
                "Error": _ERROR,
            }
        },
    }
