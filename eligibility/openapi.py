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


_NETWORK_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "Identifiant national du réseau (ex. 9502C pour un réseau de chaleur, 7501F de froid).",
    "schema": {"type": "string", "maxLength": 12},
}
_NUMBER_OR_NULL = {"type": ["number", "null"]}

NETWORK_PATHS = {
    "/api/v1/networks/{id}": {
        "get": {
            "operationId": "getNetwork",
            "summary": "Chiffres clés d’un réseau de chaleur ou de froid",
            "parameters": [_NETWORK_ID],
            "responses": {
                "200": {
                    "description": "Le réseau.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/NetworkDetail"}
                        }
                    },
                },
                "404": _error_response("Aucun réseau n’a cet identifiant (`not_found`)."),
                "429": _error_response("Trop de requêtes."),
            },
        }
    },
    "/api/v1/networks/{id}.geojson": {
        "get": {
            "operationId": "getNetworkGeoJSON",
            "summary": "Tracé d’un réseau (GeoJSON, longitude/latitude WGS84)",
            "parameters": [_NETWORK_ID],
            "responses": {
                "200": {
                    "description": "Une Feature GeoJSON ; `geometry` est null si le tracé n’est pas publié.",
                    "content": {
                        "application/geo+json": {
                            "schema": {"$ref": "#/components/schemas/NetworkFeature"}
                        }
                    },
                },
                "404": _error_response("Aucun réseau n’a cet identifiant (`not_found`)."),
                "429": _error_response("Trop de requêtes."),
            },
        }
    },
    "/tiles/{layer}/{z}/{x}/{y}.pbf": {
        "get": {
            "operationId": "getTile",
            "summary": "Tuile vectorielle (Mapbox Vector Tile) des réseaux",
            "description": (
                "Tuiles au schéma XYZ en Web Mercator, une couche MVT par type d’objet : `heat` "
                "(réseaux de chaleur), `future` (réseaux et zones en construction), `pdp` "
                "(périmètres de développement prioritaire), `cold` (réseaux de froid), `plants` "
                "(chaufferies) ; `all` les réunit. Jusqu’au zoom 6, un réseau est un point. "
                "Réponses mises en cache (Cache-Control, ETag : 304 sur If-None-Match)."
            ),
            "parameters": [
                {
                    "name": "layer",
                    "in": "path",
                    "required": True,
                    "schema": {
                        "type": "string",
                        "enum": ["heat", "future", "pdp", "cold", "plants", "all"],
                    },
                },
                {
                    "name": "z",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0, "maximum": 20},
                },
                {
                    "name": "x",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "Colonne, entre 0 et 2^z − 1.",
                },
                {
                    "name": "y",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "Ligne, entre 0 et 2^z − 1.",
                },
            ],
            "responses": {
                "200": {
                    "description": "La tuile.",
                    "content": {
                        "application/vnd.mapbox-vector-tile": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "204": {"description": "Tuile vide."},
                "304": {"description": "La copie du client (If-None-Match) est à jour."},
                "400": _error_response("Coordonnées de tuile invalides (`invalid_parameters`)."),
                "404": _error_response("Couche inconnue (`not_found`)."),
                "429": _error_response("Trop de requêtes."),
            },
        }
    },
}

NETWORK_SCHEMAS = {
    "NetworkDetail": {
        "type": "object",
        "required": ["id", "name", "kind", "operator", "classified", "enrr_rate", "url"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["heat", "cold"]},
            "operator": {"type": "string"},
            "owner": {"type": "string"},
            "communes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Codes INSEE.",
            },
            "commune_names": {"type": "string"},
            "departement": {"type": "string"},
            "region": {"type": "string"},
            "classified": {"type": "boolean"},
            "open_to_connections": {"type": "boolean"},
            "creation_year": {"type": ["integer", "null"]},
            "length_km": _NUMBER_OR_NULL,
            "delivery_points": {"type": ["integer", "null"]},
            "enrr_rate": {**_NUMBER_OR_NULL, "description": "Taux EnR&R en %."},
            "co2_kg_per_kwh": _NUMBER_OR_NULL,
            "co2_lifecycle_kg_per_kwh": _NUMBER_OR_NULL,
            "figures_year": {"type": "string"},
            "average_price": {**_NUMBER_OR_NULL, "description": "€ TTC/MWh."},
            "average_price_housing": _NUMBER_OR_NULL,
            "average_price_tertiary": _NUMBER_OR_NULL,
            "total_production_mwh": _NUMBER_OR_NULL,
            "total_power_mw": _NUMBER_OR_NULL,
            "production_mix": {
                "type": "object",
                "additionalProperties": {"type": "number"},
                "description": "MWh par énergie (gaz_naturel, biomasse_solide, UIOM…).",
            },
            "deliveries": {
                "type": "object",
                "description": "MWh par secteur (residentiel, tertiaire, industrie, agriculture, autre, total) et année (annee).",
            },
            "thresholds_m": {
                "type": "object",
                "properties": {"very_close": {"type": "integer"}, "close": {"type": "integer"}},
            },
            "priority_zones": {"type": "array", "items": {"type": "string"}},
            "has_route": {"type": "boolean"},
            "synthetic": {"type": "boolean", "description": "Réseau fictif (jeu de test)."},
            "source": {"type": "string"},
            "source_date": {"type": ["string", "null"], "format": "date"},
            "url": {"type": "string", "format": "uri"},
            "geojson_url": {"type": "string", "format": "uri"},
        },
    },
    "NetworkFeature": {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
            "geometry": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": "MultiLineString"},
                            "coordinates": {
                                "type": "array",
                                "items": {
                                    "type": "array",
                                    "items": {
                                        "type": "array",
                                        "items": {"type": "number"},
                                        "minItems": 2,
                                        "maxItems": 2,
                                    },
                                },
                            },
                        },
                    },
                    {"type": "null"},
                ]
            },
            "properties": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": {"type": "string", "enum": ["heat", "cold"]},
                    "operator": {"type": "string"},
                    "synthetic": {"type": "boolean"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        },
    },
}


def build(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API France Chaleur Urbaine",
            "version": "1.0.0",
            "description": (
                "Éligibilité d’une adresse ou d’un point aux réseaux de chaleur, recherche "
                "d’adresses, chiffres clés et tracés des réseaux, tuiles vectorielles de la carte. Accès libre, sans clé, limité en nombre de requêtes par client. "
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
            **NETWORK_PATHS,
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
                **NETWORK_SCHEMAS,
            }
        },
    }
