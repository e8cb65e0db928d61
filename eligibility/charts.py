"""Horizontal bar charts drawn by the server as inline SVG (templates/eligibility/_bar_chart.html),
each shown with its data table and a text alternative: no chart library, no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format

# Keys of HeatNetwork.deliveries and production_mix (nomenclature of the national export).
DELIVERY_SECTORS = [
    ("residentiel", "Résidentiel"),
    ("tertiaire", "Tertiaire"),
    ("industrie", "Industrie"),
    ("agriculture", "Agriculture"),
    ("autre", "Autre"),
]
ENERGIES = [
    ("gaz_naturel", "Gaz naturel"),
    ("charbon", "Charbon"),
    ("fioul_domestique", "Fioul domestique"),
    ("fioul_lourd", "Fioul lourd"),
    ("GPL", "GPL"),
    ("biomasse_solide", "Biomasse solide"),
    ("dechets_internes", "Déchets internes"),
    ("UIOM", "Incinération des déchets (UIOM)"),
    ("biogaz", "Biogaz"),
    ("geothermie", "Géothermie"),
    ("PAC", "Pompes à chaleur"),
    ("solaire_thermique", "Solaire thermique"),
    ("autres_ENR", "Autres énergies renouvelables"),
    ("chaleur_industiel", "Chaleur industrielle"),
    ("autre_chaleur_recuperee", "Autre chaleur récupérée"),
    ("chaudieres_electriques", "Chaudières électriques"),
    ("autres", "Autres"),
]

# SVG geometry, in viewBox units: labels on the left, bars on the right, the value after them.
WIDTH = 720
LABEL_WIDTH = 230
BAR_MAX = 260
ROW_HEIGHT = 28
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    share: float  # % of the total
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 4

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 6

    @property
    def value_label(self) -> str:
        return f"{_number(self.value)} MWh ({_number(self.share, 1)} %)"


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    bars: list[Bar]
    total: float
    note: str = ""

    width = WIDTH
    label_width = LABEL_WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT

    @property
    def summary(self) -> str:
        """The text alternative: every bar, in words."""
        parts = "; ".join(f"{bar.label} : {bar.value_label}" for bar in self.bars)
        return f"{self.title}. {parts}."


def bar_chart(slug: str, title: str, values: list[tuple[str, float]], *, note: str = ""):
    """A chart of the positive values, biggest first; None when there is nothing to draw."""
    rows = sorted(((label, value) for label, value in values if value and value > 0), key=_desc)
    total = sum(value for _, value in rows)
    if not rows:
        return None
    biggest = rows[0][1]
    bars = [
        Bar(
            label=label,
            value=value,
            share=100 * value / total,
            y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            width=round(BAR_MAX * value / biggest, 1),
        )
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(slug=slug, title=title, bars=bars, total=total, note=note)


def deliveries_chart(deliveries: dict) -> BarChart | None:
    year = deliveries.get("annee")
    title = "Livraisons de chaleur par secteur" + (f" en {year}" if year else "")
    note = (
        "Une partie des livraisons est couverte par le secret statistique."
        if deliveries.get("secret_statistique")
        else ""
    )
    values = [(label, _float(deliveries.get(key))) for key, label in DELIVERY_SECTORS]
    return bar_chart("livraisons", title, values, note=note)


def production_chart(production_mix: dict) -> BarChart | None:
    labels = dict(ENERGIES)
    values = [(labels.get(key, key), _float(value)) for key, value in production_mix.items()]
    return bar_chart("production", "Production de chaleur par énergie", values)


def _desc(row: tuple[str, float]) -> float:
    return -row[1]


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _number(value: float, decimals: int = 0) -> str:
    return number_format(round(value, decimals), decimal_pos=decimals, force_grouping=True)
