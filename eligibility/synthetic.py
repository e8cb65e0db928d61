"""A synthetic heat-network dataset at national scale, for performance measurements.

The files are written in the official formats that the import commands read, so that loading them
exercises exactly the code a real national export goes through:

- ``reseaux_de_chaleur.geojson``: routed heat networks and heat networks without a route,
- ``reseaux_de_froid.geojson``: cold networks,
- ``reseaux_en_construction.geojson`` and ``zones_en_construction.geojson``: future networks,
- ``pdp.geojson``: priority development zones (PDP),
- ``adresses-synthetiques.csv.gz``: Base Adresse Nationale rows,
- ``manifest.json``: seed, sizes, counts and the identifiers of every generated record.

Everything is fictitious but looks real: routes are the 4 real Val-d'Oise routes of
``data/demo/networks/traces-val-d-oise.geojson``, cut, rotated, scaled, mirrored, densified and
gently warped, then moved to real commune centres of mainland France and overseas. Names say
"synthétique". Identifiers look like real ones (``6985C``, ``97412F``: département code, two
digits, C for heat or F for cold) but are never one of the official 2026 list of networks
(``data/demo/networks/contenus-co2-enrr-2026.csv``) nor one the project names in its settings or
demo data (Paris 7501C and 7511C, the four Val-d'Oise networks).

Generation is deterministic: the same seed and sizes give byte-identical files (on the same
platform: coordinates go through the C library's sin/cos). Randomness comes only from
``random.Random`` instances seeded from the seed; nothing depends on the clock.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import hashlib
import itertools
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

# Bump when the output for a given seed changes, so that a reused directory is regenerated.
GENERATOR_VERSION = 1

HEAT_FILE = "reseaux_de_chaleur.geojson"
COLD_FILE = "reseaux_de_froid.geojson"
CONSTRUCTION_FILE = "reseaux_en_construction.geojson"
CONSTRUCTION_ZONE_FILE = "zones_en_construction.geojson"
PDP_FILE = "pdp.geojson"
ADDRESSES_FILE = "adresses-synthetiques.csv.gz"
MANIFEST_FILE = "manifest.json"

BAN_HEADER = "id;numero;rep;nom_voie;code_postal;code_insee;nom_commune;lon;lat"
CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}

# National scale (data/demo/README.md): per 1,050 routed heat networks, about 220 heat networks
# without a route, 50 cold networks, 60 networks under construction, 25 construction zones and
# 220 PDP. Routes average about 1,050 vertices, so 1,050 networks make about 1.1 M vertices.
DEFAULT_NETWORKS = 1_050
DEFAULT_ADDRESSES = 500_000
VERTICES_PER_NETWORK = 1_050
UNROUTED_PER_NETWORK = 220 / 1_050
COLD_PER_NETWORK = 50 / 1_050
FUTURE_PER_NETWORK = 60 / 1_050
CONSTRUCTION_ZONES_PER_NETWORK = 25 / 1_050
PDP_PER_NETWORK = 220 / 1_050
OVERSEAS_ROUTED_PER_NETWORK = 15 / 1_050

NETWORK_NUMBERS = range(1, 100)  # the two digits between département code and C/F
RESERVED_IDS = frozenset({"7501C", "7511C", "9502C", "9507C", "9514C", "9515C"})
FUTURE_ID_START = 900_001  # id_fcu of networks and zones under construction
PDP_ID_START = 800_001

METRES_PER_DEGREE = 111_320.0
MAX_CLUSTER_VERTICES = 7_000  # a bigger network is made of several transformed templates
MAX_DENSIFICATION = 12
# About 10 % of the addresses are placed within 150 m of a route vertex; the others around a
# commune centre, of which some fall near a route too: about 30 % end within 200 m of a route.
NEAR_ADDRESS_SHARE = 0.10
NEAR_ADDRESS_RADIUS_M = 150.0
# Standard deviation of the other addresses around a commune centre; smaller overseas, where the
# communes of the table are coastal towns on small islands.
ADDRESS_SPREAD_M = 2_500.0
OVERSEAS_ADDRESS_SPREAD_M = 1_200.0
STREET_CELL_M = 250.0  # addresses in the same cell of a commune share a street


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcode: str
    lon: float
    lat: float
    weight: int  # how many networks it attracts, relative to the others

    @property
    def departement(self) -> str:
        return self.insee[:3] if self.insee.startswith("97") else self.insee[:2]

    @property
    def is_overseas(self) -> bool:
        return self.insee.startswith("97")

    @property
    def city(self) -> str:
        """ "Paris" for "Paris 13e Arrondissement", the name otherwise."""
        return self.name.split(" ")[0] if "Arrondissement" in self.name else self.name


# Département code: (name, region).
DEPARTEMENTS = {
    "01": ("Ain", "Auvergne-Rhône-Alpes"),
    "02": ("Aisne", "Hauts-de-France"),
    "03": ("Allier", "Auvergne-Rhône-Alpes"),
    "04": ("Alpes-de-Haute-Provence", "Provence-Alpes-Côte d'Azur"),
    "05": ("Hautes-Alpes", "Provence-Alpes-Côte d'Azur"),
    "06": ("Alpes-Maritimes", "Provence-Alpes-Côte d'Azur"),
    "08": ("Ardennes", "Grand Est"),
    "10": ("Aube", "Grand Est"),
    "11": ("Aude", "Occitanie"),
    "12": ("Aveyron", "Occitanie"),
    "13": ("Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
    "14": ("Calvados", "Normandie"),
    "15": ("Cantal", "Auvergne-Rhône-Alpes"),
    "16": ("Charente", "Nouvelle-Aquitaine"),
    "17": ("Charente-Maritime", "Nouvelle-Aquitaine"),
    "18": ("Cher", "Centre-Val de Loire"),
    "19": ("Corrèze", "Nouvelle-Aquitaine"),
    "2A": ("Corse-du-Sud", "Corse"),
    "2B": ("Haute-Corse", "Corse"),
    "21": ("Côte-d'Or", "Bourgogne-Franche-Comté"),
    "22": ("Côtes-d'Armor", "Bretagne"),
    "23": ("Creuse", "Nouvelle-Aquitaine"),
    "24": ("Dordogne", "Nouvelle-Aquitaine"),
    "25": ("Doubs", "Bourgogne-Franche-Comté"),
    "26": ("Drôme", "Auvergne-Rhône-Alpes"),
    "27": ("Eure", "Normandie"),
    "28": ("Eure-et-Loir", "Centre-Val de Loire"),
    "29": ("Finistère", "Bretagne"),
    "30": ("Gard", "Occitanie"),
    "31": ("Haute-Garonne", "Occitanie"),
    "33": ("Gironde", "Nouvelle-Aquitaine"),
    "34": ("Hérault", "Occitanie"),
    "35": ("Ille-et-Vilaine", "Bretagne"),
    "36": ("Indre", "Centre-Val de Loire"),
    "37": ("Indre-et-Loire", "Centre-Val de Loire"),
    "38": ("Isère", "Auvergne-Rhône-Alpes"),
    "39": ("Jura", "Bourgogne-Franche-Comté"),
    "40": ("Landes", "Nouvelle-Aquitaine"),
    "41": ("Loir-et-Cher", "Centre-Val de Loire"),
    "42": ("Loire", "Auvergne-Rhône-Alpes"),
    "43": ("Haute-Loire", "Auvergne-Rhône-Alpes"),
    "44": ("Loire-Atlantique", "Pays de la Loire"),
    "45": ("Loiret", "Centre-Val de Loire"),
    "46": ("Lot", "Occitanie"),
    "47": ("Lot-et-Garonne", "Nouvelle-Aquitaine"),
    "48": ("Lozère", "Occitanie"),
    "49": ("Maine-et-Loire", "Pays de la Loire"),
    "50": ("Manche", "Normandie"),
    "51": ("Marne", "Grand Est"),
    "52": ("Haute-Marne", "Grand Est"),
    "53": ("Mayenne", "Pays de la Loire"),
    "54": ("Meurthe-et-Moselle", "Grand Est"),
    "55": ("Meuse", "Grand Est"),
    "56": ("Morbihan", "Bretagne"),
    "57": ("Moselle", "Grand Est"),
    "58": ("Nièvre", "Bourgogne-Franche-Comté"),
    "59": ("Nord", "Hauts-de-France"),
    "60": ("Oise", "Hauts-de-France"),
    "61": ("Orne", "Normandie"),
    "62": ("Pas-de-Calais", "Hauts-de-France"),
    "63": ("Puy-de-Dôme", "Auvergne-Rhône-Alpes"),
    "64": ("Pyrénées-Atlantiques", "Nouvelle-Aquitaine"),
    "65": ("Hautes-Pyrénées", "Occitanie"),
    "66": ("Pyrénées-Orientales", "Occitanie"),
    "67": ("Bas-Rhin", "Grand Est"),
    "68": ("Haut-Rhin", "Grand Est"),
    "69": ("Rhône", "Auvergne-Rhône-Alpes"),
    "70": ("Haute-Saône", "Bourgogne-Franche-Comté"),
    "71": ("Saône-et-Loire", "Bourgogne-Franche-Comté"),
    "72": ("Sarthe", "Pays de la Loire"),
    "73": ("Savoie", "Auvergne-Rhône-Alpes"),
    "74": ("Haute-Savoie", "Auvergne-Rhône-Alpes"),
    "75": ("Paris", "Île-de-France"),
    "76": ("Seine-Maritime", "Normandie"),
    "77": ("Seine-et-Marne", "Île-de-France"),
    "78": ("Yvelines", "Île-de-France"),
    "79": ("Deux-Sèvres", "Nouvelle-Aquitaine"),
    "80": ("Somme", "Hauts-de-France"),
    "81": ("Tarn", "Occitanie"),
    "82": ("Tarn-et-Garonne", "Occitanie"),
    "83": ("Var", "Provence-Alpes-Côte d'Azur"),
    "84": ("Vaucluse", "Provence-Alpes-Côte d'Azur"),
    "85": ("Vendée", "Pays de la Loire"),
    "86": ("Vienne", "Nouvelle-Aquitaine"),
    "87": ("Haute-Vienne", "Nouvelle-Aquitaine"),
    "88": ("Vosges", "Grand Est"),
    "89": ("Yonne", "Bourgogne-Franche-Comté"),
    "90": ("Territoire de Belfort", "Bourgogne-Franche-Comté"),
    "91": ("Essonne", "Île-de-France"),
    "92": ("Hauts-de-Seine", "Île-de-France"),
    "93": ("Seine-Saint-Denis", "Île-de-France"),
    "94": ("Val-de-Marne", "Île-de-France"),
    "95": ("Val-d'Oise", "Île-de-France"),
    "971": ("Guadeloupe", "Guadeloupe"),
    "972": ("Martinique", "Martinique"),
    "973": ("Guyane", "Guyane"),
    "974": ("La Réunion", "La Réunion"),
    "976": ("Mayotte", "Mayotte"),
}

# Real communes: INSEE code, name as in the BAN, postcode of the centre, centre lon/lat, weight.
# Paris, Lyon and Marseille are split into arrondissements in the BAN, as here.
COMMUNES = tuple(
    Commune(*row)
    for row in (
        ("75113", "Paris 13e Arrondissement", "75013", 2.3622, 48.8283, 8),
        ("75115", "Paris 15e Arrondissement", "75015", 2.2923, 48.8401, 8),
        ("75119", "Paris 19e Arrondissement", "75019", 2.3822, 48.8871, 8),
        ("75120", "Paris 20e Arrondissement", "75020", 2.4008, 48.8634, 8),
        ("92050", "Nanterre", "92000", 2.2069, 48.8924, 6),
        ("92012", "Boulogne-Billancourt", "92100", 2.2400, 48.8353, 5),
        ("92026", "Courbevoie", "92400", 2.2529, 48.8973, 5),
        ("93066", "Saint-Denis", "93200", 2.3574, 48.9362, 7),
        ("93048", "Montreuil", "93100", 2.4417, 48.8611, 5),
        ("93005", "Aulnay-sous-Bois", "93600", 2.4970, 48.9386, 5),
        ("94028", "Créteil", "94000", 2.4553, 48.7904, 6),
        ("94081", "Vitry-sur-Seine", "94400", 2.3928, 48.7875, 5),
        ("91228", "Évry-Courcouronnes", "91000", 2.4450, 48.6294, 5),
        ("91377", "Massy", "91300", 2.2707, 48.7309, 5),
        ("78646", "Versailles", "78000", 2.1301, 48.8049, 5),
        ("78586", "Sartrouville", "78500", 2.1590, 48.9372, 4),
        ("77288", "Melun", "77000", 2.6553, 48.5421, 4),
        ("77284", "Meaux", "77100", 2.8789, 48.9601, 4),
        ("95018", "Argenteuil", "95100", 2.2469, 48.9472, 5),
        ("95127", "Cergy", "95000", 2.0636, 49.0364, 5),
        ("69383", "Lyon 3e Arrondissement", "69003", 4.8690, 45.7597, 7),
        ("69388", "Lyon 8e Arrondissement", "69008", 4.8697, 45.7342, 6),
        ("69266", "Villeurbanne", "69100", 4.8800, 45.7667, 6),
        ("69259", "Vénissieux", "69200", 4.8867, 45.6975, 5),
        ("13203", "Marseille 3e Arrondissement", "13003", 5.3795, 43.3128, 5),
        ("13208", "Marseille 8e Arrondissement", "13008", 5.3877, 43.2540, 4),
        ("13001", "Aix-en-Provence", "13100", 5.4474, 43.5297, 4),
        ("13004", "Arles", "13200", 4.6278, 43.6766, 2),
        ("13056", "Martigues", "13500", 5.0547, 43.4053, 2),
        ("31555", "Toulouse", "31000", 1.4442, 43.6045, 8),
        ("31069", "Blagnac", "31700", 1.3900, 43.6370, 3),
        ("06088", "Nice", "06000", 7.2620, 43.7102, 5),
        ("06029", "Cannes", "06400", 7.0128, 43.5528, 3),
        ("06004", "Antibes", "06600", 7.1250, 43.5808, 3),
        ("44109", "Nantes", "44000", -1.5536, 47.2184, 7),
        ("44184", "Saint-Nazaire", "44600", -2.2138, 47.2735, 3),
        ("67482", "Strasbourg", "67000", 7.7521, 48.5734, 8),
        ("67180", "Haguenau", "67500", 7.7903, 48.8156, 3),
        ("68224", "Mulhouse", "68100", 7.3389, 47.7508, 5),
        ("68066", "Colmar", "68000", 7.3585, 48.0794, 3),
        ("34172", "Montpellier", "34000", 3.8767, 43.6108, 6),
        ("34032", "Béziers", "34500", 3.2150, 43.3442, 3),
        ("33063", "Bordeaux", "33000", -0.5792, 44.8378, 7),
        ("33318", "Pessac", "33600", -0.6313, 44.8067, 3),
        ("59350", "Lille", "59000", 3.0573, 50.6292, 7),
        ("59512", "Roubaix", "59100", 3.1746, 50.6942, 4),
        ("59599", "Tourcoing", "59200", 3.1612, 50.7239, 4),
        ("59183", "Dunkerque", "59140", 2.3768, 51.0343, 4),
        ("35238", "Rennes", "35000", -1.6778, 48.1173, 6),
        ("35288", "Saint-Malo", "35400", -2.0260, 48.6493, 2),
        ("51454", "Reims", "51100", 4.0317, 49.2583, 5),
        ("51108", "Châlons-en-Champagne", "51000", 4.3635, 48.9566, 3),
        ("42218", "Saint-Étienne", "42000", 4.3872, 45.4397, 5),
        ("83137", "Toulon", "83000", 5.9280, 43.1242, 3),
        ("83069", "Hyères", "83400", 6.1286, 43.1204, 2),
        ("76351", "Le Havre", "76600", 0.1079, 49.4944, 4),
        ("76540", "Rouen", "76000", 1.0993, 49.4431, 5),
        ("38185", "Grenoble", "38000", 5.7245, 45.1885, 8),
        ("21231", "Dijon", "21000", 5.0415, 47.3220, 5),
        ("49007", "Angers", "49000", -0.5632, 47.4784, 4),
        ("30189", "Nîmes", "30000", 4.3601, 43.8367, 3),
        ("63113", "Clermont-Ferrand", "63000", 3.0870, 45.7772, 5),
        ("72181", "Le Mans", "72000", 0.1996, 48.0061, 4),
        ("29019", "Brest", "29200", -4.4861, 48.3904, 4),
        ("29232", "Quimper", "29000", -4.0979, 47.9960, 2),
        ("37261", "Tours", "37000", 0.6848, 47.3941, 4),
        ("80021", "Amiens", "80000", 2.2957, 49.8941, 4),
        ("87085", "Limoges", "87000", 1.2611, 45.8336, 4),
        ("74010", "Annecy", "74000", 6.1294, 45.8992, 4),
        ("66136", "Perpignan", "66000", 2.8948, 42.6887, 3),
        ("57463", "Metz", "57000", 6.1757, 49.1193, 6),
        ("57672", "Thionville", "57100", 6.1683, 49.3579, 3),
        ("25056", "Besançon", "25000", 6.0241, 47.2378, 5),
        ("45234", "Orléans", "45000", 1.9093, 47.9030, 5),
        ("14118", "Caen", "14000", -0.3707, 49.1829, 4),
        ("54395", "Nancy", "54000", 6.1844, 48.6921, 5),
        ("86194", "Poitiers", "86000", 0.3404, 46.5802, 3),
        ("64445", "Pau", "64000", -0.3708, 43.2951, 3),
        ("64102", "Bayonne", "64100", -1.4748, 43.4929, 2),
        ("17300", "La Rochelle", "17000", -1.1508, 46.1603, 3),
        ("62193", "Calais", "62100", 1.8587, 50.9513, 3),
        ("62041", "Arras", "62000", 2.7775, 50.2910, 3),
        ("2A004", "Ajaccio", "20000", 8.7369, 41.9192, 2),
        ("2B033", "Bastia", "20200", 9.4509, 42.6970, 2),
        ("56121", "Lorient", "56100", -3.3703, 47.7483, 2),
        ("56260", "Vannes", "56000", -2.7603, 47.6582, 2),
        ("22278", "Saint-Brieuc", "22000", -2.7603, 48.5141, 2),
        ("53130", "Laval", "53000", -0.7701, 48.0707, 2),
        ("61001", "Alençon", "61000", 0.0931, 48.4329, 2),
        ("50129", "Cherbourg-en-Cotentin", "50100", -1.6219, 49.6398, 2),
        ("27229", "Évreux", "27000", 1.1508, 49.0241, 2),
        ("28085", "Chartres", "28000", 1.4892, 48.4439, 2),
        ("41018", "Blois", "41000", 1.3359, 47.5861, 2),
        ("18033", "Bourges", "18000", 2.3990, 47.0810, 3),
        ("36044", "Châteauroux", "36000", 1.6914, 46.8103, 2),
        ("03185", "Montluçon", "03100", 2.6032, 46.3401, 2),
        ("58194", "Nevers", "58000", 3.1590, 46.9908, 2),
        ("89024", "Auxerre", "89000", 3.5673, 47.7982, 2),
        ("10387", "Troyes", "10000", 4.0744, 48.2973, 3),
        ("08105", "Charleville-Mézières", "08000", 4.7200, 49.7733, 2),
        ("55545", "Verdun", "55100", 5.3847, 49.1599, 2),
        ("88160", "Épinal", "88000", 6.4503, 48.1725, 2),
        ("70550", "Vesoul", "70000", 6.1550, 47.6227, 2),
        ("90010", "Belfort", "90000", 6.8628, 47.6397, 3),
        ("39300", "Lons-le-Saunier", "39000", 5.5547, 46.6744, 2),
        ("01053", "Bourg-en-Bresse", "01000", 5.2256, 46.2052, 2),
        ("73065", "Chambéry", "73000", 5.9178, 45.5646, 3),
        ("26362", "Valence", "26000", 4.8924, 44.9334, 3),
        ("84007", "Avignon", "84000", 4.8055, 43.9493, 3),
        ("04070", "Digne-les-Bains", "04000", 6.2356, 44.0925, 1),
        ("05061", "Gap", "05000", 6.0794, 44.5594, 2),
        ("48095", "Mende", "48000", 3.4995, 44.5181, 1),
        ("12202", "Rodez", "12000", 2.5734, 44.3506, 2),
        ("81004", "Albi", "81000", 2.1481, 43.9289, 2),
        ("82121", "Montauban", "82000", 1.3550, 44.0176, 2),
        ("46042", "Cahors", "46000", 1.4410, 44.4475, 1),
        ("47001", "Agen", "47000", 0.6216, 44.2033, 2),
        ("65440", "Tarbes", "65000", 0.0781, 43.2328, 2),
        ("11069", "Carcassonne", "11000", 2.3491, 43.2130, 2),
        ("40192", "Mont-de-Marsan", "40000", -0.4996, 43.8902, 1),
        ("24322", "Périgueux", "24000", 0.7218, 45.1846, 2),
        ("19272", "Tulle", "19000", 1.7725, 45.2658, 1),
        ("23096", "Guéret", "23000", 1.8717, 46.1714, 1),
        ("15014", "Aurillac", "15000", 2.4444, 44.9264, 1),
        ("43157", "Le Puy-en-Velay", "43000", 3.8855, 45.0434, 1),
        ("16015", "Angoulême", "16000", 0.1560, 45.6484, 2),
        ("79191", "Niort", "79000", -0.4645, 46.3237, 2),
        ("85191", "La Roche-sur-Yon", "85000", -1.4270, 46.6705, 2),
        ("02691", "Saint-Quentin", "02100", 3.2876, 49.8465, 2),
        ("60057", "Beauvais", "60000", 2.0807, 49.4295, 2),
        ("60159", "Compiègne", "60200", 2.8261, 49.4179, 2),
        ("71270", "Mâcon", "71000", 4.8357, 46.3069, 2),
        ("52121", "Chaumont", "52000", 5.1392, 48.1113, 1),
        ("97101", "Les Abymes", "97139", -61.5045, 16.2710, 1),
        ("97120", "Pointe-à-Pitre", "97110", -61.5331, 16.2411, 1),
        ("97209", "Fort-de-France", "97200", -61.0588, 14.6161, 1),
        ("97213", "Le Lamentin", "97232", -60.9981, 14.6097, 1),
        ("97302", "Cayenne", "97300", -52.3260, 4.9372, 1),
        ("97311", "Saint-Laurent-du-Maroni", "97320", -54.0312, 5.4983, 1),
        ("97411", "Saint-Denis", "97400", 55.4504, -20.8823, 1),
        ("97416", "Saint-Pierre", "97410", 55.4781, -21.3393, 1),
        ("97611", "Mamoudzou", "97600", 45.2279, -12.7806, 1),
    )
)
OVERSEAS_DEPARTEMENTS = ("971", "972", "973", "974", "976")

# Common French street names: (type, weight) and the name that follows it.
STREET_TYPES = (
    ("Rue", 50),
    ("Avenue", 12),
    ("Allée", 8),
    ("Impasse", 8),
    ("Chemin", 6),
    ("Boulevard", 5),
    ("Place", 4),
    ("Route", 3),
    ("Square", 2),
    ("Passage", 2),
    ("Résidence", 2),
    ("Quai", 1),
    ("Cours", 1),
)
STREET_NAMES = (
    "Victor Hugo", "Jean Jaurès", "Jean Moulin", "Pasteur", "Gambetta", "Voltaire",
    "Émile Zola", "Jules Ferry", "Anatole France", "Georges Clemenceau",
    "du Général de Gaulle", "du Maréchal Foch", "du Maréchal Leclerc", "Paul Vaillant-Couturier",
    "Pierre Curie", "Marie Curie", "Jean Macé", "Louis Aragon", "Paul Éluard", "Albert Camus",
    "Jacques Prévert", "Molière", "Jean de la Fontaine", "George Sand", "Alphonse Daudet",
    "Guy de Maupassant", "Honoré de Balzac", "Gustave Eiffel", "Louis Blériot", "Jules Verne",
    "Aristide Briand", "Léon Blum", "Jean Monnet", "Robert Schuman", "Salvador Allende",
    "Pablo Picasso", "Claude Debussy", "Hector Berlioz", "Frédéric Chopin", "Maurice Ravel",
    "Paul Dukas", "Édith Piaf", "Jacques Brel", "Georges Brassens", "Simone Veil",
    "Lucie Aubrac", "Pierre Brossolette", "Gabriel Péri", "Danielle Casanova", "Henri Barbusse",
    "Romain Rolland", "Édouard Vaillant", "Lamartine", "Alfred de Musset", "Racine",
    "Corneille", "Rabelais", "Montaigne", "Lavoisier", "Ampère", "Édouard Branly", "Jean Bouin",
    "Pierre de Coubertin", "Antoine de Saint-Exupéry", "Roland Garros", "du Colonel Fabien",
    "Jean-Baptiste Clément", "Condorcet", "Descartes", "Diderot", "Jean-Jacques Rousseau",
    "Louis Pergaud", "Charles Péguy", "Jean Mermoz", "Hélène Boucher", "Olympe de Gouges",
    "de la République", "de la Gare", "de l'Église", "de la Mairie", "des Écoles", "du Moulin",
    "de la Paix", "de la Liberté", "du Château", "des Lilas", "des Tilleuls", "des Acacias",
    "des Peupliers", "des Rosiers", "des Vignes", "des Prés", "des Champs", "du Stade",
    "de la Fontaine", "du Marché", "de Verdun", "du 8 Mai 1945", "du 11 Novembre 1918",
    "du 14 Juillet", "du 19 Mars 1962", "de la Libération", "de l'Europe", "de la Poste",
    "du Parc", "des Jardins", "du Lavoir", "de la Croix", "des Sources", "du Port",
    "de la Forêt", "du Bois", "des Marronniers", "des Platanes", "des Cerisiers",
    "des Mimosas", "de Paris", "de la Résistance", "des Martyrs", "de l'Industrie",
    "du Commerce", "des Fleurs", "du Calvaire", "de la Source", "de Bretagne", "de Normandie",
    "de Provence", "des Alpes", "du Midi", "des Hirondelles", "des Coquelicots", "des Vergers",
    "de la Chapelle", "du Canal", "des Rossignols", "de Stalingrad",
)  # fmt: skip

# Operators: (name, weight). Real operators spell their names in several ways, as here.
OPERATORS = (
    ("Dalkia", 26),
    ("DALKIA", 4),
    ("Engie Solutions", 22),
    ("ENGIE Solutions", 3),
    ("Coriance", 12),
    ("Idex", 10),
    ("IDEX Énergies", 2),
    ("Eneris", 5),
    ("régie", 16),  # "Régie municipale de <commune>"
)
PARIS_AREA_OPERATORS = (("CPCU", 40), ("Dalkia", 20), ("Engie Solutions", 20), ("Idex", 10))
COLD_OPERATORS = (("Engie Solutions", 10), ("Dalkia", 6), ("Idex", 3), ("Coriance", 2))
PARIS_AREA_DEPARTEMENTS = ("75", "92", "93", "94")
RENEWABLE_SOURCES = ("prod_MWh_biomasse_solide", "prod_MWh_geothermie", "prod_MWh_UIOM")
PDP_POWER_THRESHOLDS_KW = ((30, 6), (50, 2), (100, 4), (150, 1), (200, 1))


# --- Sizes and plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetSize:
    """How many of each thing a dataset holds, derived from the number of routed heat networks."""

    networks: int = DEFAULT_NETWORKS
    addresses: int = DEFAULT_ADDRESSES

    def __post_init__(self):
        if self.networks < 1 or self.addresses < 1:
            raise ValueError("Il faut au moins un réseau et une adresse.")

    def _scaled(self, ratio: float, minimum: int = 1) -> int:
        return max(minimum, round(self.networks * ratio))

    @property
    def unrouted(self) -> int:
        return self._scaled(UNROUTED_PER_NETWORK)

    @property
    def cold(self) -> int:
        return self._scaled(COLD_PER_NETWORK)

    @property
    def future(self) -> int:
        return self._scaled(FUTURE_PER_NETWORK)

    @property
    def construction_zones(self) -> int:
        return self._scaled(CONSTRUCTION_ZONES_PER_NETWORK)

    @property
    def pdp(self) -> int:
        return self._scaled(PDP_PER_NETWORK)

    @property
    def vertices(self) -> int:
        return self.networks * VERTICES_PER_NETWORK


@dataclass
class NetworkPlan:
    """One existing (heat or cold) network or one network under construction, before geometry."""

    number: int  # the "n°" of its name
    official_id: str  # national id (6985C, 6985F) or id_fcu of a future network
    commune: Commune
    target_vertices: int = 0  # 0: no route
    operator: str = ""
    classified: bool = False
    # Filled while the route is written: a sample of its vertices (lon, lat), its vertex count.
    samples: list[tuple[float, float]] = field(default_factory=list)
    vertex_count: int = 0


@dataclass
class DatasetPlan:
    seed: int
    size: DatasetSize
    heat: list[NetworkPlan]  # sorted by id; routed and without route
    cold: list[NetworkPlan]
    future: list[NetworkPlan]
    construction_zones: list[NetworkPlan]
    pdp: list[tuple[int, NetworkPlan]]  # (id_fcu, the network it belongs to)

    def identifiers(self) -> dict[str, list[str]]:
        return {
            "heat": [network.official_id for network in self.heat],
            "cold": [network.official_id for network in self.cold],
            "construction": [network.official_id for network in self.future],
            "construction_zone": [network.official_id for network in self.construction_zones],
            "pdp": [str(pdp_id) for pdp_id, _ in self.pdp],
        }


def _rng(seed: int, purpose: str) -> random.Random:
    """An independent, reproducible stream per purpose: changing one part keeps the others."""
    return random.Random(f"{seed}:{purpose}")  # noqa: S311 (reproducible, not secret)


def _weighted(rng: random.Random, choices) -> object:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


class _IdAllocator:
    """National ids `<département><01..99><C|F>` that no real network holds."""

    def __init__(self, letter: str, taken: frozenset[str]):
        self.letter = letter
        self.taken = taken
        self.free: dict[str, list[str]] = {}

    def _free(self, departement: str) -> list[str]:
        if departement not in self.free:
            candidates = (f"{departement}{number:02d}{self.letter}" for number in NETWORK_NUMBERS)
            self.free[departement] = [id_ for id_ in candidates if id_ not in self.taken]
        return self.free[departement]

    def is_full(self, departement: str) -> bool:
        return not self._free(departement)

    def allocate(self, rng: random.Random, departement: str) -> str:
        free = self._free(departement)
        return free.pop(rng.randrange(len(free)))


def _pick_communes(
    rng: random.Random, count: int, allocator: _IdAllocator | None, *, overseas: bool
) -> list[tuple[Commune, str]]:
    """Communes (weighted) for `count` networks, with a fresh national id when `allocator` is set.
    Overseas networks go round the five overseas départements in turn."""
    picked = []
    if overseas:
        for index in range(count):
            departement = OVERSEAS_DEPARTEMENTS[index % len(OVERSEAS_DEPARTEMENTS)]
            pool = [c for c in COMMUNES if c.departement == departement]
            commune = rng.choice(pool)
            network_id = allocator.allocate(rng, departement) if allocator else ""
            picked.append((commune, network_id))
        return picked
    pool = [c for c in COMMUNES if not c.is_overseas]
    for _ in range(count):
        if allocator:
            pool = [c for c in pool if not allocator.is_full(c.departement)]
            if not pool:
                raise ValueError("Trop de réseaux demandés : plus d’identifiant national libre.")
        commune = rng.choices(pool, weights=[c.weight for c in pool])[0]
        network_id = allocator.allocate(rng, commune.departement) if allocator else ""
        picked.append((commune, network_id))
    return picked


def _operator(rng: random.Random, commune: Commune, *, cold: bool = False) -> str:
    if cold:
        return _weighted(rng, COLD_OPERATORS)
    if commune.departement in PARIS_AREA_DEPARTEMENTS:
        return _weighted(rng, PARIS_AREA_OPERATORS)
    operator = _weighted(rng, OPERATORS)
    return f"Régie municipale de {commune.name}" if operator == "régie" else operator


def _vertex_targets(rng: random.Random, count: int, budget: int, minimum: int) -> list[int]:
    """Heavy-tailed route sizes (log-normal, like real networks) adding up to about `budget`."""
    draws = [rng.lognormvariate(0.0, 0.9) for _ in range(count)]
    factor = budget / sum(draws)
    return [max(minimum, round(draw * factor)) for draw in draws]


def default_data_dir() -> Path:
    from django.conf import settings

    return Path(settings.BASE_DIR) / "data" / "demo" / "networks"


def official_network_ids(data_dir: Path | None = None) -> frozenset[str]:
    """The ids of the official 2026 list of networks, and the ones the project names."""
    path = Path(data_dir or default_data_dir()) / "contenus-co2-enrr-2026.csv"
    with path.open(encoding="utf-8", newline="") as rows:
        return RESERVED_IDS | {row["identifiant"] for row in csv.DictReader(rows)}


def plan_dataset(
    seed: int, size: DatasetSize, *, taken_ids: frozenset[str] | None = None
) -> DatasetPlan:
    """Decide ids, communes, operators and route sizes; cheap, no geometry. `taken_ids`: ids a
    synthetic network must not get (by default, the real ones)."""
    rng = _rng(seed, "plan")
    taken = official_network_ids() if taken_ids is None else taken_ids
    heat_ids, cold_ids = _IdAllocator("C", taken), _IdAllocator("F", taken)

    overseas_routed = min(size.networks, max(1, round(size.networks * OVERSEAS_ROUTED_PER_NETWORK)))
    overseas_unrouted = round(size.unrouted * 5 / 220)
    overseas_cold = round(size.cold * 2 / 50)
    routed = _pick_communes(rng, overseas_routed, heat_ids, overseas=True) + _pick_communes(
        rng, size.networks - overseas_routed, heat_ids, overseas=False
    )
    unrouted = _pick_communes(rng, overseas_unrouted, heat_ids, overseas=True) + _pick_communes(
        rng, size.unrouted - overseas_unrouted, heat_ids, overseas=False
    )
    cold = _pick_communes(rng, overseas_cold, cold_ids, overseas=True) + _pick_communes(
        rng, size.cold - overseas_cold, cold_ids, overseas=False
    )
    future = _pick_communes(rng, size.future, None, overseas=False)
    zones = _pick_communes(rng, size.construction_zones, None, overseas=False)

    targets = _vertex_targets(rng, size.networks, size.vertices, minimum=40)
    heat = [
        NetworkPlan(
            number=number,
            official_id=network_id,
            commune=commune,
            target_vertices=target,
            operator=_operator(rng, commune),
            classified=rng.random() < 0.35,
        )
        for number, ((commune, network_id), target) in enumerate(
            zip(routed, targets, strict=True), start=1
        )
    ]
    heat += [
        NetworkPlan(
            number=number,
            official_id=network_id,
            commune=commune,
            operator=_operator(rng, commune),
            classified=rng.random() < 0.1,
        )
        for number, (commune, network_id) in enumerate(unrouted, start=size.networks + 1)
    ]
    heat.sort(key=lambda network: network.official_id)

    cold_targets = _vertex_targets(rng, size.cold, size.cold * 300, minimum=30)
    cold_plans = [
        NetworkPlan(
            number=number,
            official_id=network_id,
            commune=commune,
            target_vertices=target,
            operator=_operator(rng, commune, cold=True),
        )
        for number, ((commune, network_id), target) in enumerate(
            zip(cold, cold_targets, strict=True), start=1
        )
    ]
    cold_plans.sort(key=lambda network: network.official_id)

    future_targets = _vertex_targets(rng, size.future, size.future * 400, minimum=30)
    future_ids = itertools.count(FUTURE_ID_START)
    future_plans = [
        NetworkPlan(
            number=number,
            official_id=str(next(future_ids)),
            commune=commune,
            target_vertices=target,
            operator=_operator(rng, commune),
        )
        for number, ((commune, _), target) in enumerate(
            zip(future, future_targets, strict=True), start=1
        )
    ]
    zone_plans = [
        NetworkPlan(
            number=number,
            official_id=str(next(future_ids)),
            commune=commune,
            operator=_operator(rng, commune),
        )
        for number, (commune, _) in enumerate(zones, start=1)
    ]

    # PDP: 5 % around future networks, the others around classified routed networks, of which
    # about one in ten has a second PDP.
    classified = [n for n in heat if n.classified and n.target_vertices]
    if not classified:
        classified = [rng.choice([n for n in heat if n.target_vertices])]
        classified[0].classified = True
    future_count = max(1, round(size.pdp * 0.05)) if size.pdp > 1 else 0
    existing_count = size.pdp - future_count
    owners = [rng.choice(future_plans) for _ in range(future_count)]
    first = rng.sample(classified, min(len(classified), existing_count - existing_count // 10))
    owners += first + [rng.choice(first) for _ in range(existing_count - len(first))]
    pdp = list(enumerate(owners, start=PDP_ID_START))

    return DatasetPlan(seed, size, heat, cold_plans, future_plans, zone_plans, pdp)


# --- Route shapes ------------------------------------------------------------------------------

Point = tuple[float, float]
Part = list[Point]


@dataclass(frozen=True)
class RouteTemplate:
    """A real route, in metres around its own centre (x east, y north)."""

    network_id: str
    parts: tuple[tuple[Point, ...], ...]

    @cached_property
    def vertex_count(self) -> int:
        return sum(len(part) for part in self.parts)


def load_templates(path: Path) -> list[RouteTemplate]:
    """The real routes of the demo data, as metric shapes centred on (0, 0)."""
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    templates = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if not geometry or geometry["type"] != "MultiLineString":
            continue
        points = [point for part in geometry["coordinates"] for point in part]
        lon0 = sum(p[0] for p in points) / len(points)
        lat0 = sum(p[1] for p in points) / len(points)
        x_scale = METRES_PER_DEGREE * math.cos(math.radians(lat0))
        parts = tuple(
            tuple(((lon - lon0) * x_scale, (lat - lat0) * METRES_PER_DEGREE) for lon, lat in part)
            for part in geometry["coordinates"]
            if len(part) >= 2
        )
        templates.append(RouteTemplate(feature["properties"]["Identifiant reseau"], parts))
    if not templates:
        raise ValueError(f"Aucun tracé réel dans {path}.")
    templates.sort(key=lambda template: template.vertex_count, reverse=True)
    return templates


def _recentred(parts: list[tuple[Point, ...]]) -> list[tuple[Point, ...]]:
    points = [p for part in parts for p in part]
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    return [tuple((x - cx, y - cy) for x, y in part) for part in parts]


def _spatial_subset(
    parts: tuple[tuple[Point, ...], ...], rng: random.Random, target: int
) -> list[tuple[Point, ...]]:
    """The parts nearest to a random point of the route, until they hold `target` vertices: a
    smaller, still connected-looking piece of a real network."""
    seed_x, seed_y = rng.choice(rng.choice(parts))
    ordered = sorted(
        parts, key=lambda part: (part[0][0] - seed_x) ** 2 + (part[0][1] - seed_y) ** 2
    )
    subset, count = [], 0
    for part in ordered:
        subset.append(part)
        count += len(part)
        if count >= target:
            break
    return _recentred(subset)


class _Warp:
    """A smooth displacement field (a few plane waves): the same input point always moves the same
    way, so parts that meet at a node still meet and degenerate parts stay degenerate."""

    def __init__(self, rng: random.Random):
        self.waves = []
        for _ in range(3):
            wavelength = rng.uniform(180.0, 900.0)
            direction = rng.uniform(0.0, math.tau)
            number = math.tau / wavelength
            self.waves.append(
                (
                    number * math.cos(direction),
                    number * math.sin(direction),
                    rng.uniform(0.0, math.tau),
                    rng.uniform(1.5, 6.0),
                    rng.uniform(1.5, 6.0),
                )
            )

    def __call__(self, x: float, y: float) -> Point:
        dx = dy = 0.0
        for kx, ky, phase, ax, ay in self.waves:
            angle = kx * x + ky * y + phase
            dx += ax * math.sin(angle)
            dy += ay * math.cos(angle)
        return x + dx, y + dy


def _transformed_cluster(
    template: RouteTemplate,
    rng: random.Random,
    target: int,
    *,
    scale_range: tuple[float, float],
    offset: Point,
) -> list[Part]:
    parts = (
        _spatial_subset(template.parts, rng, target)
        if target < template.vertex_count
        else list(template.parts)
    )
    segments = sum(1 for part in parts for a, b in itertools.pairwise(part) if a != b)
    vertices = sum(len(part) for part in parts)
    steps = 1
    if segments and target > vertices:
        steps = min(MAX_DENSIFICATION, max(1, round((target - len(parts)) / segments)))

    angle = rng.uniform(0.0, math.tau)
    scale = rng.uniform(*scale_range)
    mirror = -1.0 if rng.random() < 0.5 else 1.0
    cos_a, sin_a = math.cos(angle) * scale, math.sin(angle) * scale
    warp = _Warp(rng)
    off_x, off_y = offset

    def place(x: float, y: float) -> Point:
        x *= mirror
        return warp(cos_a * x - sin_a * y + off_x, sin_a * x + cos_a * y + off_y)

    shaped = []
    for part in parts:
        first_x, first_y = part[0]
        out = [place(first_x, first_y)]
        for (ax, ay), (bx, by) in itertools.pairwise(part):
            if (ax, ay) != (bx, by):
                for step in range(1, steps):
                    t = step / steps
                    out.append(place(ax + (bx - ax) * t, ay + (by - ay) * t))
            out.append(place(bx, by))
        shaped.append(out)
    return shaped


def build_route(
    templates: list[RouteTemplate],
    rng: random.Random,
    target: int,
    *,
    overseas: bool = False,
) -> list[Part]:
    """A route of about `target` vertices, in metres around (0, 0)."""
    clusters = 1 if overseas else max(1, math.ceil(target / MAX_CLUSTER_VERTICES))
    cluster_target = round(target / clusters)
    scale_range = (0.4, 0.8) if overseas else (0.6, 1.5)
    # Templates that reach the target without being densified more than about 6 times, so that
    # vertices stay a few metres apart at least, as in real routes.
    fitting = [t for t in templates if t.vertex_count * 6 >= cluster_target] or templates[:1]
    route = []
    for index in range(clusters):
        if index == 0:
            offset = (0.0, 0.0)
        else:
            distance, direction = rng.uniform(1_500.0, 3_000.0), rng.uniform(0.0, math.tau)
            offset = (distance * math.cos(direction), distance * math.sin(direction))
        template = rng.choice(fitting)
        route += _transformed_cluster(
            template, rng, cluster_target, scale_range=scale_range, offset=offset
        )
    return route


def _route_length_m(route: list[Part]) -> float:
    return sum(
        math.hypot(bx - ax, by - ay)
        for part in route
        for (ax, ay), (bx, by) in itertools.pairwise(part)
    )


class _LocalFrame:
    """Metres around a centre ↔ WGS84 degrees (equirectangular: fine over a few kilometres)."""

    def __init__(self, lon: float, lat: float):
        self.lon, self.lat = lon, lat
        self.x_scale = METRES_PER_DEGREE * math.cos(math.radians(lat))

    def to_lonlat(self, x: float, y: float) -> Point:
        return self.lon + x / self.x_scale, self.lat + y / METRES_PER_DEGREE


def _network_centre(rng: random.Random, commune: Commune, crowd: int) -> Point:
    """Where a network of `commune` sits, when `crowd` networks share the commune: spread further
    when there are many, as real networks fill a conurbation."""
    frame = _LocalFrame(commune.lon, commune.lat)
    radius = 1_500.0 if commune.is_overseas else 1_000.0 + 1_500.0 * math.sqrt(max(0, crowd - 1))
    distance, direction = radius * math.sqrt(rng.random()), rng.uniform(0.0, math.tau)
    return frame.to_lonlat(distance * math.cos(direction), distance * math.sin(direction))


# --- GeoJSON writing ---------------------------------------------------------------------------


def _coordinates(points) -> str:
    return "[" + ",".join(f"[{lon:.6f},{lat:.6f}]" for lon, lat in points) + "]"


def _multilinestring(parts_lonlat: list[list[Point]]) -> str:
    return (
        '{"type":"MultiLineString","coordinates":['
        + ",".join(_coordinates(part) for part in parts_lonlat)
        + "]}"
    )


def _multipolygon(ring_lonlat: list[Point]) -> str:
    return '{"type":"MultiPolygon","coordinates":[[' + _coordinates(ring_lonlat) + "]]}"


class _FeatureCollectionWriter:
    """Streams features to a GeoJSON file, one per line, never holding the whole collection."""

    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        self.features = 0
        self.with_geometry = 0
        self.vertices = 0

    def __enter__(self):
        self.file = self.path.open("w", encoding="utf-8", newline="\n")
        header = {"type": "FeatureCollection", "name": self.name, "crs": CRS84}
        self.file.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "features": [\n')
        return self

    def write(self, properties: dict, geometry: str | None, vertices: int = 0):
        if self.features:
            self.file.write(",\n")
        self.file.write(
            '{"type": "Feature", "properties": '
            + json.dumps(properties, ensure_ascii=False)
            + ', "geometry": '
            + (geometry or "null")
            + "}"
        )
        self.features += 1
        self.with_geometry += geometry is not None
        self.vertices += vertices

    def __exit__(self, *exc_info):
        self.file.write("\n]}\n")
        self.file.close()

    def summary(self) -> dict:
        return {
            "features": self.features,
            "with_geometry": self.with_geometry,
            "vertices": self.vertices,
            **_file_summary(self.path),
        }


def _file_summary(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return {"bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _blob(rng: random.Random, frame: _LocalFrame, x: float, y: float, radius: float) -> list[Point]:
    """A closed, simple, counter-clockwise ring of irregular outline around (x, y)."""
    phases = [rng.uniform(0.0, math.tau) for _ in range(3)]
    count = rng.randint(28, 44)
    ring = []
    for index in range(count):
        theta = math.tau * index / count
        r = radius * (
            1.0
            + 0.25 * math.sin(2 * theta + phases[0])
            + 0.12 * math.sin(3 * theta + phases[1])
            + 0.06 * math.sin(5 * theta + phases[2])
        )
        ring.append(frame.to_lonlat(x + r * math.cos(theta), y + r * math.sin(theta)))
    ring.append(ring[0])
    return ring


# --- The generator -----------------------------------------------------------------------------


@dataclass
class _StreetState:
    code: str
    name: str
    next_number: int
    last_number: int = 0
    repeats: int = 0  # 0, 1 (bis given to the last number), 2 (ter)


class SyntheticDatasetGenerator:
    def __init__(
        self,
        plan: DatasetPlan,
        output_dir: Path,
        templates: list[RouteTemplate],
        log: Callable[[str], None] | None = None,
    ):
        self.plan = plan
        self.seed = plan.seed
        self.output_dir = Path(output_dir)
        self.templates = templates
        self.log = log or (lambda message: None)
        self.summaries: dict[str, dict] = {}
        self.crowd: dict[str, int] = {}
        for network in itertools.chain(plan.heat, plan.cold, plan.future):
            if network.target_vertices:
                self.crowd[network.commune.insee] = self.crowd.get(network.commune.insee, 0) + 1

    def run(self) -> dict:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        (self.output_dir / MANIFEST_FILE).unlink(missing_ok=True)  # present only when complete
        self._write_heat()
        self._write_cold()
        self._write_construction()
        self._write_construction_zones()
        self._write_pdp()
        self._write_addresses()
        manifest = {
            "description": "Jeu de données synthétique de France Chaleur Urbaine (fictif), pour les "
            "mesures de performance. Tracés dérivés des tracés réels du Val-d'Oise.",
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "networks": self.plan.size.networks,
            "addresses": self.plan.size.addresses,
            "files": self.summaries,
            "identifiers": self.plan.identifiers(),
        }
        (self.output_dir / MANIFEST_FILE).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return manifest

    # Routes ------------------------------------------------------------------------------------

    def _route(self, network: NetworkPlan, purpose: str) -> tuple[str, float]:
        """Builds, samples and serialises a network's route: (GeoJSON geometry, length in m)."""
        rng = _rng(self.seed, f"{purpose}:{network.official_id}")
        commune = network.commune
        lon, lat = _network_centre(rng, commune, self.crowd.get(commune.insee, 1))
        frame = _LocalFrame(lon, lat)
        route = build_route(
            self.templates, rng, network.target_vertices, overseas=commune.is_overseas
        )
        parts = [[frame.to_lonlat(x, y) for x, y in part] for part in route]
        network.vertex_count = sum(len(part) for part in parts)
        every = max(1, network.vertex_count // max(32, network.vertex_count // 8))
        network.samples = [point for part in parts for point in part][::every]
        return _multilinestring(parts), _route_length_m(route)

    def _write_heat(self):
        with _FeatureCollectionWriter(self.output_dir / HEAT_FILE, "reseaux_de_chaleur") as out:
            for network in self.plan.heat:
                rng = _rng(self.seed, f"heat-properties:{network.official_id}")
                geometry, length_m = None, None
                if network.target_vertices:
                    geometry, length_m = self._route(network, "heat")
                out.write(
                    self._heat_properties(network, rng, length_m), geometry, network.vertex_count
                )
        self._done(HEAT_FILE, out)

    def _common_properties(self, network: NetworkPlan, rng: random.Random, label: str, length_m):
        commune = network.commune
        departement, region = DEPARTEMENTS[commune.departement]
        length_km = round(length_m / 1000, 2) if length_m else round(rng.uniform(0.5, 6.0), 2)
        return {
            "Identifiant reseau": network.official_id,
            "nom_reseau": f"{label} n° {network.number} — {commune.name}",
            "communes": [commune.insee],
            "departement": departement,
            "region": region,
            "MO": f"Ville de {commune.city}",
            "Gestionnaire": network.operator,
            "annee_creation": rng.randint(1955, 2023),
            "longueur_reseau": length_km,
            "nb_pdl": max(1, round(length_km * rng.uniform(4.0, 18.0))),
        }

    def _heat_properties(self, network: NetworkPlan, rng: random.Random, length_m) -> dict:
        properties = self._common_properties(network, rng, "Réseau synthétique", length_m)
        production = round(properties["nb_pdl"] * rng.uniform(600.0, 2_500.0))
        renewable_share = min(0.95, max(0.0, rng.betavariate(2.2, 1.6)))
        if rng.random() < 0.08:
            renewable_share = 0.0  # some networks still run on gas alone
        split = [rng.random() for _ in RENEWABLE_SOURCES]
        renewable = {
            source: round(production * renewable_share * part / sum(split))
            for source, part in zip(RENEWABLE_SOURCES, split, strict=True)
        }
        co2 = round(0.24 * (1 - renewable_share) + rng.uniform(0.01, 0.04), 3)
        efficiency = rng.uniform(78.0, 93.0)
        deliveries = round(production * efficiency / 100)
        residential = rng.uniform(0.45, 0.85)
        steam = 100 if network.operator == "CPCU" else 0
        superheated = 0 if steam else rng.choice((0, 0, 0, 20, 40, 100))
        average_price = round(rng.uniform(65.0, 125.0), 1)
        properties.update(
            {
                "reseaux classes": network.classified,
                "Taux EnR&R": round(renewable_share * 100, 1),
                "contenu CO2": co2,
                "contenu CO2 ACV": round(co2 + rng.uniform(0.02, 0.05), 3),
                "PM": average_price,
                "PM_L": round(average_price * rng.uniform(0.95, 1.05), 1),
                "PM_T": round(average_price * rng.uniform(0.95, 1.1), 1),
                "PV%": round(rng.uniform(55.0, 80.0), 1),
                "Rend%": round(efficiency, 1),
                "production_totale_MWh": production,
                "prod_MWh_gaz_naturel": production - sum(renewable.values()),
                **renewable,
                "puissance_totale_MW": round(production / rng.uniform(1_400.0, 2_400.0), 1),
                "livraisons_totale_MWh": deliveries,
                "livraisons_residentiel_MWh": round(deliveries * residential),
                "livraisons_tertiaire_MWh": deliveries - round(deliveries * residential),
                "eau_chaude": 100 - steam - superheated,
                "eau_surchauffee": superheated,
                "vapeur": steam,
            }
        )
        properties["PF%"] = round(100 - properties["PV%"], 1)
        return properties

    def _write_cold(self):
        with _FeatureCollectionWriter(self.output_dir / COLD_FILE, "reseaux_de_froid") as out:
            for network in self.plan.cold:
                rng = _rng(self.seed, f"cold-properties:{network.official_id}")
                geometry, length_m = self._route(network, "cold")
                properties = self._common_properties(
                    network, rng, "Réseau de froid synthétique", length_m
                )
                production = round(properties["nb_pdl"] * rng.uniform(800.0, 3_000.0))
                co2 = round(rng.uniform(0.005, 0.02), 3)
                properties.update(
                    {
                        "contenu CO2": co2,
                        "contenu CO2 ACV": round(co2 + rng.uniform(0.01, 0.03), 3),
                        "Rend%": round(rng.uniform(80.0, 95.0), 1),
                        "production_totale_MWh": production,
                        "puissance_totale_MW": round(production / rng.uniform(800.0, 1_500.0), 1),
                        "livraisons_totale_MWh": round(production * 0.9),
                        "livraisons_tertiaire_MWh": round(production * 0.9),
                    }
                )
                out.write(properties, geometry, network.vertex_count)
        self._done(COLD_FILE, out)

    def _future_properties(self, network: NetworkPlan, rng: random.Random, label: str) -> dict:
        return {
            "id_fcu": int(network.official_id),
            "nom_reseau": f"{label} n° {network.number} — {network.commune.name}",
            "Gestionnaire": network.operator,
            "mise_en_service": str(rng.randint(2026, 2031)),
            "communes": [network.commune.insee],
        }

    def _write_construction(self):
        path = self.output_dir / CONSTRUCTION_FILE
        with _FeatureCollectionWriter(path, "reseaux_en_construction") as out:
            for network in self.plan.future:
                rng = _rng(self.seed, f"construction-properties:{network.official_id}")
                geometry, _ = self._route(network, "construction")
                properties = self._future_properties(
                    network, rng, "Réseau en construction synthétique"
                )
                out.write(properties, geometry, network.vertex_count)
        self._done(CONSTRUCTION_FILE, out)

    def _write_construction_zones(self):
        path = self.output_dir / CONSTRUCTION_ZONE_FILE
        with _FeatureCollectionWriter(path, "zones_en_construction") as out:
            for network in self.plan.construction_zones:
                rng = _rng(self.seed, f"construction-zone:{network.official_id}")
                commune = network.commune
                frame = _LocalFrame(
                    *_network_centre(rng, commune, self.crowd.get(commune.insee, 1))
                )
                ring = _blob(rng, frame, 0.0, 0.0, rng.uniform(300.0, 900.0))
                properties = self._future_properties(
                    network, rng, "Zone en construction synthétique"
                )
                out.write(properties, _multipolygon(ring), len(ring))
        self._done(CONSTRUCTION_ZONE_FILE, out)

    def _write_pdp(self):
        with _FeatureCollectionWriter(self.output_dir / PDP_FILE, "pdp") as out:
            for number, (pdp_id, network) in enumerate(self.plan.pdp, start=1):
                rng = _rng(self.seed, f"pdp:{pdp_id}")
                lon, lat = rng.choice(network.samples)
                ring = _blob(rng, _LocalFrame(lon, lat), 0.0, 0.0, rng.uniform(250.0, 700.0))
                properties = {
                    "id_fcu": pdp_id,
                    "nom": f"PDP synthétique n° {number} — {network.commune.name}",
                    "reseau_id": network.official_id,
                    "seuil_puissance_kw": _weighted(rng, PDP_POWER_THRESHOLDS_KW),
                }
                out.write(properties, _multipolygon(ring), len(ring))
        self._done(PDP_FILE, out)

    def _done(self, name: str, out: _FeatureCollectionWriter):
        self.summaries[name] = out.summary()
        summary = self.summaries[name]
        self.log(
            f"{name} : {summary['features']} objets, dont {summary['with_geometry']} avec "
            f"géométrie, {summary['vertices']} sommets, {summary['bytes'] / 1e6:.1f} Mo"
        )

    # Addresses ---------------------------------------------------------------------------------

    def _address_rows(self) -> Iterator[str]:
        rng = _rng(self.seed, "addresses")
        near = [n for n in itertools.chain(self.plan.heat, self.plan.future) if n.samples]
        near_cumulative = list(itertools.accumulate(n.vertex_count for n in near))
        commune_cumulative = list(itertools.accumulate(c.weight for c in COMMUNES))
        frames = {c.insee: _LocalFrame(c.lon, c.lat) for c in COMMUNES}
        streets: dict[tuple[str, int, int], _StreetState] = {}
        street_codes: dict[str, dict[str, None]] = {c.insee: {} for c in COMMUNES}
        street_names: dict[str, dict[str, None]] = {c.insee: {} for c in COMMUNES}
        type_names, type_weights = zip(*STREET_TYPES, strict=True)

        for _ in range(self.plan.size.addresses):
            if near and rng.random() < NEAR_ADDRESS_SHARE:
                network = near[
                    bisect.bisect_right(near_cumulative, rng.random() * near_cumulative[-1])
                ]
                commune = network.commune
                anchor_lon, anchor_lat = rng.choice(network.samples)
                frame = frames[commune.insee]
                distance = NEAR_ADDRESS_RADIUS_M * math.sqrt(rng.random())
                direction = rng.uniform(0.0, math.tau)
                x = (anchor_lon - commune.lon) * frame.x_scale + distance * math.cos(direction)
                y = (anchor_lat - commune.lat) * METRES_PER_DEGREE + distance * math.sin(direction)
            else:
                commune = COMMUNES[
                    bisect.bisect_right(commune_cumulative, rng.random() * commune_cumulative[-1])
                ]
                frame = frames[commune.insee]
                spread = OVERSEAS_ADDRESS_SPREAD_M if commune.is_overseas else ADDRESS_SPREAD_M
                while True:  # a normal distribution cut at 3 standard deviations
                    x, y = rng.gauss(0.0, spread), rng.gauss(0.0, spread)
                    if x * x + y * y <= (3 * spread) ** 2:
                        break
            lon, lat = frame.to_lonlat(x, y)

            key = (commune.insee, math.floor(x / STREET_CELL_M), math.floor(y / STREET_CELL_M))
            street = streets.get(key)
            if street is None:
                codes, names = street_codes[commune.insee], street_names[commune.insee]
                if len(codes) >= 9_999:
                    raise ValueError(f"Plus de code de voie libre pour {commune.name}.")
                code = f"{rng.randrange(1, 10_000):04d}"
                while code in codes:
                    code = f"{rng.randrange(1, 10_000):04d}"
                codes[code] = None
                for _attempt in range(20):
                    name = f"{rng.choices(type_names, weights=type_weights)[0]} {rng.choice(STREET_NAMES)}"
                    if name not in names:
                        break
                names[name] = None
                street = streets[key] = _StreetState(code, name, rng.randint(1, 3))

            repeat = ""
            if street.last_number and street.repeats < 2 and rng.random() < 0.03:
                street.repeats += 1
                number, repeat = street.last_number, "bis" if street.repeats == 1 else "ter"
            else:
                number = street.next_number
                street.last_number, street.repeats = number, 0
                street.next_number += rng.randint(1, 4)
            ban_id = f"{commune.insee}_{street.code}_{number:05d}" + (
                f"_{repeat}" if repeat else ""
            )
            yield (
                f"{ban_id};{number};{repeat};{street.name};{commune.postcode};{commune.insee};"
                f"{commune.name};{lon:.6f};{lat:.6f}\n"
            )

    def _write_addresses(self):
        path = self.output_dir / ADDRESSES_FILE
        rows = 0
        # mtime=0 and no file name in the header: the same rows give the same bytes.
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
        ):
            out.write((BAN_HEADER + "\n").encode("utf-8"))
            batch = []
            for row in self._address_rows():
                batch.append(row)
                if len(batch) == 10_000:
                    out.write("".join(batch).encode("utf-8"))
                    rows += len(batch)
                    batch = []
            out.write("".join(batch).encode("utf-8"))
            rows += len(batch)
        self.summaries[ADDRESSES_FILE] = {"rows": rows, **_file_summary(path)}
        self.log(f"{ADDRESSES_FILE} : {rows} adresses, {path.stat().st_size / 1e6:.1f} Mo")


def generate_dataset(
    output_dir: Path,
    *,
    seed: int,
    size: DatasetSize | None = None,
    data_dir: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Writes the whole dataset into `output_dir` and returns its manifest. `data_dir`: where the
    real routes and the official list of networks are (by default, data/demo/networks)."""
    data_dir = Path(data_dir or default_data_dir())
    plan = plan_dataset(seed, size or DatasetSize(), taken_ids=official_network_ids(data_dir))
    templates = load_templates(data_dir / "traces-val-d-oise.geojson")
    return SyntheticDatasetGenerator(plan, output_dir, templates, log).run()


def read_manifest(output_dir: Path) -> dict | None:
    path = Path(output_dir) / MANIFEST_FILE
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def manifest_matches(manifest: dict | None, *, seed: int, size: DatasetSize) -> bool:
    """Whether a directory already holds the complete dataset for this seed and size."""
    return bool(manifest) and (
        manifest.get("generator_version") == GENERATOR_VERSION
        and manifest.get("seed") == seed
        and manifest.get("networks") == size.networks
        and manifest.get("addresses") == size.addresses
    )


# --- Loading into the database -----------------------------------------------------------------

# Files in the order the import commands need them: PDP refer to existing and future networks.
LOAD_STEPS = (
    (HEAT_FILE, "heat"),
    (COLD_FILE, "cold"),
    (CONSTRUCTION_FILE, "construction"),
    (CONSTRUCTION_ZONE_FILE, "construction_zone"),
    (PDP_FILE, "pdp"),
)


def count_real_records(identifiers: dict[str, list[str]]) -> dict[str, int]:
    """Networks, future networks and PDP of the database that are neither flagged synthetic nor
    part of this synthetic dataset (a previous, interrupted load of the same dataset is fine)."""
    from eligibility.models import FutureNetwork, HeatNetwork, PriorityZone

    return {
        "réseaux": HeatNetwork.objects.filter(is_synthetic=False)
        .exclude(network_id__in=identifiers["heat"] + identifiers["cold"])
        .count(),
        "réseaux en construction": FutureNetwork.objects.filter(is_synthetic=False)
        .exclude(official_id__in=identifiers["construction"] + identifiers["construction_zone"])
        .count(),
        "PDP": PriorityZone.objects.filter(is_synthetic=False)
        .exclude(official_id__in=identifiers["pdp"])
        .count(),
    }


def _flag_synthetic_addresses(path: Path) -> int:
    """Flags the addresses of the CSV as synthetic, through a temporary table of their ids."""
    from django.db import connection, transaction

    from eligibility.models import Address

    table = connection.ops.quote_name(Address._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE synthetic_ban_ids (ban_id text PRIMARY KEY) ON COMMIT DROP"
        )
        with (
            gzip.open(path, "rt", encoding="utf-8") as rows,
            cursor.copy("COPY synthetic_ban_ids (ban_id) FROM STDIN") as copy,
        ):
            next(rows)  # header
            for row in rows:
                copy.write_row((row.split(";", 1)[0],))
        cursor.execute(
            f"UPDATE {table} AS address SET is_synthetic = true FROM synthetic_ban_ids AS ids "  # noqa: S608 (table name from the model)
            "WHERE address.ban_id = ids.ban_id AND NOT address.is_synthetic"
        )
        flagged = cursor.rowcount
        # Also dropped at commit; dropped now for a caller whose transaction goes on (tests).
        cursor.execute("DROP TABLE synthetic_ban_ids")
        return flagged


def load_dataset(
    directory: Path,
    *,
    allow_mixed: bool = False,
    stdout=None,
    log: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Loads a generated dataset with the import commands, then flags its records as synthetic.
    Returns how many records of each kind were flagged."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from eligibility.models import FutureNetwork, HeatNetwork, PriorityZone

    log = log or (lambda message: None)
    directory = Path(directory)
    manifest = read_manifest(directory)
    if not manifest:
        raise CommandError(
            f"{directory} ne contient pas de jeu synthétique complet ({MANIFEST_FILE})."
        )
    identifiers = manifest["identifiers"]
    real = {kind: count for kind, count in count_real_records(identifiers).items() if count}
    if real and not allow_mixed:
        found = ", ".join(f"{count} {kind}" for kind, count in real.items())
        raise CommandError(
            f"La base contient des données réelles ({found}) : le jeu synthétique se charge dans "
            "sa propre base (voir bench/README.md). Ajoutez --allow-mixed pour passer outre."
        )

    flagged = {}
    for file_name, layer in LOAD_STEPS:
        log(f"Import de {file_name} (couche {layer})…")
        call_command(
            "import_networks",
            str(directory / file_name),
            layer=layer,
            source=f"Jeu de données synthétique (fictif), graine {manifest['seed']}",
            stdout=stdout,
        )
        if layer in ("heat", "cold"):
            queryset = HeatNetwork.objects.filter(network_id__in=identifiers[layer])
        elif layer in ("construction", "construction_zone"):
            queryset = FutureNetwork.objects.filter(official_id__in=identifiers[layer])
        else:
            queryset = PriorityZone.objects.filter(official_id__in=identifiers[layer])
        flagged[layer] = queryset.update(is_synthetic=True)

    log(f"Import de {ADDRESSES_FILE}…")
    call_command("import_ban_addresses", str(directory / ADDRESSES_FILE), stdout=stdout)
    started = time.perf_counter()
    flagged["addresses"] = _flag_synthetic_addresses(directory / ADDRESSES_FILE)
    log(
        f"{flagged['addresses']} adresses marquées synthétiques en {time.perf_counter() - started:.1f} s."
    )
    return flagged
