"""Régions and départements of France, for the filters of /stats.

Source: INSEE, Code officiel géographique (COG) au 1er janvier 2024, files `v_region_2024.csv`
and `v_departement_2024.csv` (https://www.insee.fr/fr/information/7766585), Licence Ouverte 2.0:
18 régions (13 in mainland France, 5 overseas) and 101 départements, with their official codes and
names (column LIBELLE, spelt as INSEE spells them). Saint-Pierre-et-Miquelon (975), Saint-
Barthélemy (977), Saint-Martin (978) and the other overseas collectivities are not départements.

A commune's département is the start of its INSEE code: 2 characters (01…19, 2A, 2B, 21…95),
3 overseas (971…976).
"""

from dataclasses import dataclass

REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

# Département code: (name, région code), in the order of the COG.
DEPARTEMENTS = {
    "01": ("Ain", "84"),
    "02": ("Aisne", "32"),
    "03": ("Allier", "84"),
    "04": ("Alpes-de-Haute-Provence", "93"),
    "05": ("Hautes-Alpes", "93"),
    "06": ("Alpes-Maritimes", "93"),
    "07": ("Ardèche", "84"),
    "08": ("Ardennes", "44"),
    "09": ("Ariège", "76"),
    "10": ("Aube", "44"),
    "11": ("Aude", "76"),
    "12": ("Aveyron", "76"),
    "13": ("Bouches-du-Rhône", "93"),
    "14": ("Calvados", "28"),
    "15": ("Cantal", "84"),
    "16": ("Charente", "75"),
    "17": ("Charente-Maritime", "75"),
    "18": ("Cher", "24"),
    "19": ("Corrèze", "75"),
    "2A": ("Corse-du-Sud", "94"),
    "2B": ("Haute-Corse", "94"),
    "21": ("Côte-d'Or", "27"),
    "22": ("Côtes-d'Armor", "53"),
    "23": ("Creuse", "75"),
    "24": ("Dordogne", "75"),
    "25": ("Doubs", "27"),
    "26": ("Drôme", "84"),
    "27": ("Eure", "28"),
    "28": ("Eure-et-Loir", "24"),
    "29": ("Finistère", "53"),
    "30": ("Gard", "76"),
    "31": ("Haute-Garonne", "76"),
    "32": ("Gers", "76"),
    "33": ("Gironde", "75"),
    "34": ("Hérault", "76"),
    "35": ("Ille-et-Vilaine", "53"),
    "36": ("Indre", "24"),
    "37": ("Indre-et-Loire", "24"),
    "38": ("Isère", "84"),
    "39": ("Jura", "27"),
    "40": ("Landes", "75"),
    "41": ("Loir-et-Cher", "24"),
    "42": ("Loire", "84"),
    "43": ("Haute-Loire", "84"),
    "44": ("Loire-Atlantique", "52"),
    "45": ("Loiret", "24"),
    "46": ("Lot", "76"),
    "47": ("Lot-et-Garonne", "75"),
    "48": ("Lozère", "76"),
    "49": ("Maine-et-Loire", "52"),
    "50": ("Manche", "28"),
    "51": ("Marne", "44"),
    "52": ("Haute-Marne", "44"),
    "53": ("Mayenne", "52"),
    "54": ("Meurthe-et-Moselle", "44"),
    "55": ("Meuse", "44"),
    "56": ("Morbihan", "53"),
    "57": ("Moselle", "44"),
    "58": ("Nièvre", "27"),
    "59": ("Nord", "32"),
    "60": ("Oise", "32"),
    "61": ("Orne", "28"),
    "62": ("Pas-de-Calais", "32"),
    "63": ("Puy-de-Dôme", "84"),
    "64": ("Pyrénées-Atlantiques", "75"),
    "65": ("Hautes-Pyrénées", "76"),
    "66": ("Pyrénées-Orientales", "76"),
    "67": ("Bas-Rhin", "44"),
    "68": ("Haut-Rhin", "44"),
    "69": ("Rhône", "84"),
    "70": ("Haute-Saône", "27"),
    "71": ("Saône-et-Loire", "27"),
    "72": ("Sarthe", "52"),
    "73": ("Savoie", "84"),
    "74": ("Haute-Savoie", "84"),
    "75": ("Paris", "11"),
    "76": ("Seine-Maritime", "28"),
    "77": ("Seine-et-Marne", "11"),
    "78": ("Yvelines", "11"),
    "79": ("Deux-Sèvres", "75"),
    "80": ("Somme", "32"),
    "81": ("Tarn", "76"),
    "82": ("Tarn-et-Garonne", "76"),
    "83": ("Var", "93"),
    "84": ("Vaucluse", "93"),
    "85": ("Vendée", "52"),
    "86": ("Vienne", "75"),
    "87": ("Haute-Vienne", "75"),
    "88": ("Vosges", "44"),
    "89": ("Yonne", "27"),
    "90": ("Territoire de Belfort", "27"),
    "91": ("Essonne", "11"),
    "92": ("Hauts-de-Seine", "11"),
    "93": ("Seine-Saint-Denis", "11"),
    "94": ("Val-de-Marne", "11"),
    "95": ("Val-d'Oise", "11"),
    "971": ("Guadeloupe", "01"),
    "972": ("Martinique", "02"),
    "973": ("Guyane", "03"),
    "974": ("La Réunion", "04"),
    "976": ("Mayotte", "06"),
}


def departement_of(code_insee: str) -> str:
    """The département code of an INSEE commune code ('' when it is not one of the 101)."""
    code = (code_insee or "").upper()
    departement = code[:3] if code.startswith("97") else code[:2]
    return departement if departement in DEPARTEMENTS else ""


def departements_of_region(region: str) -> list[str]:
    return [code for code, (_, reg) in DEPARTEMENTS.items() if reg == region]


@dataclass(frozen=True)
class Territory:
    """What /stats is filtered on: France as a whole, a région or a département."""

    kind: str  # "france", "region" or "departement"
    code: str = ""

    @property
    def key(self) -> str:
        return self.kind if self.kind == "france" else f"{self.kind}-{self.code}"

    @property
    def is_national(self) -> bool:
        return self.kind == "france"

    @property
    def name(self) -> str:
        if self.kind == "region":
            return REGIONS[self.code]
        if self.kind == "departement":
            return DEPARTEMENTS[self.code][0]
        return "France entière"

    @property
    def label(self) -> str:
        """In a sentence: « la région Bretagne », « le département Val-d'Oise (95) »."""
        if self.kind == "region":
            return f"région {self.name}"
        if self.kind == "departement":
            return f"département {self.name} ({self.code})"
        return "France entière"

    @property
    def departements(self) -> list[str]:
        if self.kind == "region":
            return departements_of_region(self.code)
        if self.kind == "departement":
            return [self.code]
        return list(DEPARTEMENTS)

    def as_dict(self) -> dict:
        data = {"type": self.kind, "code": self.code or None, "name": self.name}
        if self.kind == "departement":
            region = DEPARTEMENTS[self.code][1]
            data["region"] = {"code": region, "name": REGIONS[region]}
        return data


FRANCE = Territory("france")


def all_territories() -> list[Territory]:
    return [
        FRANCE,
        *(Territory("region", code) for code in REGIONS),
        *(Territory("departement", code) for code in DEPARTEMENTS),
    ]


class UnknownTerritory(ValueError):
    """A région or département code that is not in the COG, or a département outside the région;
    the message is in French, for the visitor."""


def territory_from(*, region: str = "", departement: str = "") -> Territory:
    """The territory of the filter parameters (both empty: France entière). The codes are taken
    as given (the page's form strips its fields; the exports take them as the API describes)."""
    region = region or ""
    departement = (departement or "").upper()
    if region and region not in REGIONS:
        raise UnknownTerritory(
            f"Région inconnue : « {region[:20]} ». Choisissez une région dans la liste "
            "(code INSEE à deux chiffres, par exemple 11 pour l’Île-de-France)."
        )
    if departement and departement not in DEPARTEMENTS:
        raise UnknownTerritory(
            f"Département inconnu : « {departement[:20]} ». Choisissez un département dans la "
            "liste (code INSEE, par exemple 95, 2A ou 974)."
        )
    if departement:
        if region and DEPARTEMENTS[departement][1] != region:
            raise UnknownTerritory(
                f"Le département {DEPARTEMENTS[departement][0]} ({departement}) n’est pas dans "
                f"la région {REGIONS[region]} : choisissez l’un ou l’autre."
            )
        return Territory("departement", departement)
    if region:
        return Territory("region", region)
    return FRANCE
