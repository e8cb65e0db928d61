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
                "service_unavailable",
                "internal_error",
                "bad_request",
                "forbidden",
                "method_not_allowed",
                "not_found",
                # bulk tests
                "unauthorized",
                "not_ready",
                "empty_file",
                "binary_file",
                "spreadsheet_file",
                "unreadable_file",
                "too_many_rows",
                "no_header",
                "no_usable_column",
                "invalid_mapping",
                "missing_file",
                "unsupported_media_type",
                "file_too_large",
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


# A NUL byte (%00) in a path or a parameter is refused before any endpoint
# (chauffage/request_checks.py).
_NUL_400 = _error_response("Caractère nul (%00) dans l’adresse (`invalid_parameters`).")

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
                "400": _NUL_400,
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
                "400": _NUL_400,
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
                "400": _error_response(
                    "Coordonnées de tuile invalides (`invalid_parameters`) : x et y doivent être "
                    "inférieurs à 2^z."
                ),
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


# --- /stats.json and /stats.csv (the open data of /stats; described here statically, since
# eligibility imports no other app: tests/stats/test_openapi.py checks it against stats) --------

_STATS_SERIES = {
    "checks_web": "Adresses testées sur le site",
    "checks_api": "Adresses testées par l’API",
    "checks_bulk": "Adresses testées en masse",
    "checks": "Adresses testées",
    "checks_eligible": "Adresses éligibles",
    "leads": "Demandes de contact",
    "leads_operator": "Demandes adressées à un gestionnaire",
    "leads_agency": "Demandes adressées à une agence ou collectivité",
    "leads_national": "Demandes en tri national",
    "leads_moderation": "Demandes en modération",
    "leads_responded": "Demandes de gestionnaires ayant reçu une réponse",
    "projects_voted": "Projets votés en AG",
    "projects_works": "Projets en travaux",
    "projects_done": "Projets réalisés",
    "followup_yes": "Suivi à 30 jours : recontacté",
    "followup_no": "Suivi à 30 jours : pas recontacté",
    "ambassadors_published": "Ambassadeurs publiés",
    "messages_relayed": "Messages relayés aux ambassadeurs",
    "downloads": "Documents téléchargés",
    "leads_quote": "Demandes d’étude ou de devis au gestionnaire",
    "leads_appointment": "Demandes de rendez-vous avec le gestionnaire",
    "leads_advice": "Demandes de conseils France Rénov’",
    "leads_role_council_member": "Demandes de membres du conseil syndical",
    "leads_role_co_owner": "Demandes de copropriétaires",
    "leads_role_syndic_professional": "Demandes de syndics professionnels",
    "leads_role_syndic_volunteer": "Demandes de syndics bénévoles",
    "leads_role_social_landlord": "Demandes de bailleurs sociaux",
    "leads_role_tertiary_manager": "Demandes de gestionnaires de bâtiments tertiaires",
    "leads_role_design_office": "Demandes de bureaux d’études",
    "leads_role_other": "Demandes d’un autre rôle",
    "leads_replacement_within_1y": "Remplacement de chaudière prévu dans les 12 mois",
    "leads_replacement_1_to_3y": "Remplacement de chaudière prévu dans 1 à 3 ans",
    "leads_replacement_beyond_3y": "Remplacement de chaudière prévu dans 3 ans ou plus",
}
_STATS_NATIONAL_ONLY = ["downloads"]
_STATS_PARAMETERS = [
    {
        "name": "region",
        "in": "query",
        "description": (
            "Code INSEE de la région (Code officiel géographique 2024, ex. 11 pour "
            "l’Île-de-France, 04 pour La Réunion). Sans `region` ni `departement` (ou vides) : "
            "France entière."
        ),
        "schema": {"type": "string", "pattern": "^([0-9]{2})?$"},
    },
    {
        "name": "departement",
        "in": "query",
        "description": (
            "Code INSEE du département (ex. 95, 2A, 2B, 971 à 974, 976 ; 975 n’est pas un "
            "département). Avec `region`, il doit en faire partie."
        ),
        "schema": {"type": "string", "pattern": "^([0-9]{2}|2[ABab]|97[1-46])?$"},
    },
]
_STATS_DESCRIPTION = (
    "Les séries mensuelles de la page /stats/ (mois de l’heure de Paris, mois sans activité à "
    "zéro, du premier mois d’activité du territoire au mois en cours), pour la France entière, "
    "une région ou un département d’après la commune des enregistrements. Les téléchargements "
    "de documents ne sont rattachés à aucun territoire : sous un filtre, leur valeur est `null` "
    "(JSON) ou vide (CSV). Chiffres calculés il y a moins d’une heure ; aucune donnée personnelle."
)
_STATS_ERRORS = {
    "400": _error_response(
        "Région ou département inconnu, ou département hors de la région (`invalid_parameters`)."
    ),
    "429": _error_response("Trop de requêtes (`rate_limited`) : voir l’en-tête Retry-After."),
}

STATS_PATHS = {
    "/stats.json": {
        "get": {
            "operationId": "getStatistics",
            "summary": "Statistiques mensuelles du service (JSON)",
            "description": _STATS_DESCRIPTION,
            "parameters": _STATS_PARAMETERS,
            "responses": {
                "200": {
                    "description": "Les séries mensuelles du territoire.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Statistics"}}
                    },
                },
                **_STATS_ERRORS,
            },
        }
    },
    "/stats.csv": {
        "get": {
            "operationId": "getStatisticsCsv",
            "summary": "Statistiques mensuelles du service (CSV)",
            "description": _STATS_DESCRIPTION
            + " CSV en UTF-8, séparateur virgule, une ligne par mois ; en-tête : `month` puis "
            + ", ".join(f"`{key}`" for key in _STATS_SERIES)
            + ".",
            "parameters": _STATS_PARAMETERS,
            "responses": {
                "200": {
                    "description": "Une ligne par mois (`month` au format AAAA-MM).",
                    "content": {
                        "text/csv": {
                            "schema": {"type": "string"},
                            "example": "month,"
                            + ",".join(_STATS_SERIES)
                            + "\n2026-05,"
                            + ",".join(["0"] * len(_STATS_SERIES))
                            + "\n",
                        }
                    },
                },
                **_STATS_ERRORS,
            },
        }
    },
}

STATS_SCHEMAS = {
    "StatisticsTerritory": {
        "type": "object",
        "required": ["type", "code", "name"],
        "properties": {
            "type": {"type": "string", "enum": ["france", "region", "departement"]},
            "code": {
                "type": ["string", "null"],
                "description": "Code INSEE ; null pour la France.",
            },
            "name": {"type": "string", "description": "Nom officiel (COG 2024)."},
            "region": {
                "type": "object",
                "description": "La région d’un département.",
                "required": ["code", "name"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
    "Statistics": {
        "type": "object",
        "required": [
            "territory",
            "timezone",
            "computed_at",
            "fields",
            "national_only",
            "series",
        ],
        "properties": {
            "territory": {"$ref": "#/components/schemas/StatisticsTerritory"},
            "timezone": {"type": "string", "const": "Europe/Paris"},
            "computed_at": {
                "type": "string",
                "format": "date-time",
                "description": "Moment du calcul des chiffres (moins d’une heure).",
            },
            "fields": {
                "type": "object",
                "description": "Libellé français de chaque série.",
                "properties": {key: {"const": label} for key, label in _STATS_SERIES.items()},
            },
            "national_only": {
                "type": "array",
                "items": {"type": "string"},
                "description": (
                    "Séries données pour la France entière seulement (aucun territoire dans "
                    "les données) : `null` sous un filtre."
                ),
                "examples": [_STATS_NATIONAL_ONLY],
            },
            "series": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["month", *_STATS_SERIES],
                    "properties": {
                        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                        **{
                            key: {
                                "type": ["integer", "null"]
                                if key in _STATS_NATIONAL_ONLY
                                else "integer",
                                "minimum": 0,
                                "description": label,
                            }
                            for key, label in _STATS_SERIES.items()
                        },
                    },
                },
            },
        },
    },
}


# The bulk test (served by contacts/bulk_api.py; described here statically: eligibility imports
# no other app).
_BULK_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "Numéro du test, donné à la création.",
    "schema": {"type": "integer", "minimum": 1},
}
_BULK_AUTH = [{"bulkToken": []}]
_BULK_401 = _error_response(
    "Clé absente, invalide ou révoquée (`unauthorized`) ; en-tête `WWW-Authenticate: Bearer`."
)
_BULK_404 = _error_response("Aucun test de votre organisme n’a ce numéro (`not_found`).")
_BULK_JOB_RESPONSE = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BulkJob"}}}
}

BULK_PATHS = {
    "/api/v1/eligibility/bulk": {
        "post": {
            "operationId": "createBulkEligibility",
            "summary": "Test d’éligibilité en masse d’un fichier d’adresses ou de coordonnées",
            "description": (
                "Réservé aux organismes (gestionnaires de réseaux, collectivités, agences) munis "
                "d’une clé d’API, créée par leur équipe dans l’espace gestionnaire et envoyée "
                "dans l’en-tête `Authorization: Bearer <clé>`. Le fichier CSV ou TXT (50 Mo et "
                "200 000 lignes au plus, première ligne = noms des colonnes ; séparateur `;` `,` "
                "tabulation ou `|` et encodage UTF-8, Latin-1 ou Windows-1252 détectés) contient "
                "une colonne d’adresses complètes, ou numéro, voie, code postal, commune, ou "
                "latitude et longitude (WGS84). Le rôle des colonnes est déduit de leurs noms ; "
                "`mapping` le précise : objet JSON rôle → nom ou numéro (à partir de 0) de "
                "colonne, rôles `address`, `number`, `street`, `postcode`, `city`, `citycode`, "
                "`lat`, `lon`. Le test s’exécute en arrière-plan : suivez-le avec l’URL renvoyée. "
                "Aucune ligne n’est écartée : le résultat reprend toutes les colonnes du fichier, "
                "ajoute l’adresse trouvée, le score, la position, la catégorie, l’éligibilité, la "
                "distance et le réseau, et le motif des lignes non testées."
            ),
            "security": _BULK_AUTH,
            "parameters": [
                {
                    "name": "mapping",
                    "in": "query",
                    "description": "Rôle des colonnes (JSON), quand le fichier est le corps de la requête.",
                    "schema": {"type": "string"},
                    "example": '{"lat": "latitude", "lon": "longitude"}',
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "mapping": {
                                    "type": "string",
                                    "description": "Objet JSON : rôle → nom ou numéro de colonne.",
                                },
                            },
                        }
                    },
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            "responses": {
                "202": {
                    "description": "Test accepté et mis en file ; en-tête Location : son URL.",
                    **_BULK_JOB_RESPONSE,
                },
                "400": _error_response(
                    "Fichier inutilisable, avec un code : `empty_file`, `binary_file`, "
                    "`spreadsheet_file`, `unreadable_file`, `too_many_rows`, `no_header`, "
                    "`no_usable_column`, `invalid_mapping`, `missing_file`, "
                    "`unsupported_media_type`."
                ),
                "401": _BULK_401,
                "413": _error_response("Fichier de plus de 50 Mo (`file_too_large`)."),
                "429": _error_response("Trop de requêtes (`rate_limited`) : voir Retry-After."),
            },
        }
    },
    "/api/v1/eligibility/bulk/{id}": {
        "get": {
            "operationId": "getBulkEligibility",
            "summary": "État, avancement et résultats d’un test en masse",
            "security": _BULK_AUTH,
            "parameters": [_BULK_ID],
            "responses": {
                "200": {"description": "Le test.", **_BULK_JOB_RESPONSE},
                "401": _BULK_401,
                "404": _BULK_404,
                "429": _error_response("Trop de requêtes."),
            },
        }
    },
    "/api/v1/eligibility/bulk/{id}/resultat.{format}": {
        "get": {
            "operationId": "getBulkEligibilityResult",
            "summary": "Résultat d’un test en masse terminé (CSV UTF-8 avec BOM et `;`, ou XLSX)",
            "security": _BULK_AUTH,
            "parameters": [
                _BULK_ID,
                {
                    "name": "format",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["csv", "xlsx"]},
                },
            ],
            "responses": {
                "200": {
                    "description": "Le fichier de résultats, en pièce jointe.",
                    "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                    },
                },
                "401": _BULK_401,
                "404": _BULK_404,
                "409": _error_response("Le test n’est pas terminé (`not_ready`)."),
                "429": _error_response("Trop de requêtes."),
            },
        }
    },
}

BULK_SCHEMAS = {
    "BulkJob": {
        "type": "object",
        "required": ["id", "status", "total_rows", "rows_done", "percent", "status_url", "results"],
        "properties": {
            "id": {"type": "integer"},
            "status": {
                "type": "string",
                "enum": ["queued", "running", "done", "failed"],
                "description": "En attente, en cours, terminé, échec.",
            },
            "status_label": {"type": "string"},
            "file_name": {"type": "string"},
            "total_rows": {"type": "integer", "description": "Lignes de données du fichier."},
            "rows_done": {"type": "integer"},
            "percent": {"type": "integer", "minimum": 0, "maximum": 100},
            "seconds_left": {"type": ["integer", "null"], "description": "Estimation."},
            "time_left": {"type": "string"},
            "tested_rows": {"type": "integer"},
            "eligible_rows": {"type": "integer"},
            "rejected_rows": {"type": "integer", "description": "Lignes non testées (motif)."},
            "created_at": {"type": "string", "format": "date-time"},
            "started_at": {"type": ["string", "null"], "format": "date-time"},
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "failure_reason": {"type": ["string", "null"]},
            "status_url": {"type": "string", "format": "uri"},
            "results": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {
                            "csv": {"type": "string", "format": "uri"},
                            "xlsx": {"type": "string", "format": "uri"},
                        },
                    },
                    {"type": "null"},
                ],
                "description": "URL des résultats (même clé d’API), quand le test est terminé.",
            },
        },
    }
}
BULK_SECURITY_SCHEMES = {
    "bulkToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "Clé d’API de l’organisme, créée dans l’espace gestionnaire.",
    }
}


# Every operation may answer 503 while the database does not answer (chauffage/unavailable.py).
_UNAVAILABLE = _error_response(
    "Service momentanément indisponible (`service_unavailable`) : réessayez après le délai de "
    "l’en-tête Retry-After."
)


def build(server_url: str) -> dict:
    description = _description(server_url)
    for operations in description["paths"].values():
        for operation in operations.values():
            operation["responses"] = {"503": _UNAVAILABLE, **operation["responses"]}
    return description


def _description(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API France Chaleur Urbaine",
            "version": "1.0.0",
            "description": (
                "Éligibilité d’une adresse ou d’un point aux réseaux de chaleur, recherche "
                "d’adresses, chiffres clés et tracés des réseaux, tuiles vectorielles de la carte. Accès libre, sans clé, limité en nombre de requêtes par client, sauf le test d’éligibilité en masse, réservé aux organismes munis d’une clé d’API. "
                'Données sous Licence Ouverte 2.0. Erreurs en JSON `{"error": code, '
                '"message": texte en français}` ; une méthode non décrite reçoit 405 '
                "`method_not_allowed` avec l’en-tête `Allow`, une adresse inconnue 404 `not_found`, "
                "un caractère nul (%00) 400 `invalid_parameters`."
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
                            "Paramètres absents ou invalides (`invalid_parameters`) : ni `lat` "
                            "et `lon` ensemble, ni `address` seule ; valeur hors bornes ; "
                            "caractère nul."
                        ),
                        "404": _error_response(
                            "Adresse introuvable (`address_not_found`), avec des suggestions."
                        ),
                        "429": _error_response(
                            "Trop de requêtes (`rate_limited`) : voir l’en-tête Retry-After."
                        ),
                        "503": _error_response(
                            "Service d’adresses indisponible (`geocoder_unavailable`), ou "
                            "service momentanément indisponible (`service_unavailable`) : une "
                            "recherche par `lat` et `lon` répond le plus souvent malgré tout."
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
                        "503": _error_response(
                            "Service d’adresses indisponible (`geocoder_unavailable`), ou "
                            "service momentanément indisponible (`service_unavailable`)."
                        ),
                    },
                }
            },
            **NETWORK_PATHS,
            **BULK_PATHS,
            **STATS_PATHS,
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
                            "description": (
                                "Distance au sol, en mètres, de l’adresse au réseau décrit par "
                                "`network`. Pour `too_far`, la distance du réseau existant le "
                                "plus proche (à 10 km au plus) ; null si aucun."
                            ),
                        },
                        "threshold_m": {
                            "type": ["integer", "null"],
                            "description": (
                                "Seuil appliqué, en mètres ; pour `too_far`, la distance de "
                                "raccordement maximale (1 000 m) que l’adresse dépasse."
                            ),
                        },
                        "in_priority_zone": {"type": "boolean"},
                        "network": {
                            "oneOf": [{"$ref": "#/components/schemas/Network"}, {"type": "null"}],
                            "description": (
                                "Le réseau du verdict : tous les champs décrivent ce même réseau. "
                                "Pour `too_far`, le réseau existant ouvert aux raccordements le "
                                "plus proche, à 10 km au plus (null au-delà)."
                            ),
                        },
                        "explanation": {"type": "string"},
                    },
                },
                "Error": _ERROR,
                **NETWORK_SCHEMAS,
                **STATS_SCHEMAS,
                **BULK_SCHEMAS,
            },
            "securitySchemes": BULK_SECURITY_SCHEMES,
        },
    }
