"""Writes the hazard sites OpenQuake builds from `region` and `region_grid_spacing`.

Usage: python tools/region_sites.py OUT.csv JOB.INI [JOB.INI ...]

Each job.ini gives rows `name,lon,lat` (its parent directory's name) in the order of
OpenQuake's site collection, coordinates as stored (rounded to 5 decimals). Run with the
reference engine's Python.
"""

import os
import sys

from openquake.commonlib import readinput


def main(out, *inis):
    with open(out, "w") as f:
        f.write("name,lon,lat\n")
        for ini in inis:
            name = os.path.basename(os.path.dirname(os.path.abspath(ini)))
            oq = readinput.get_oqparam(ini)
            sitecol = readinput.get_site_collection(oq)
            for lon, lat in zip(sitecol.lons, sitecol.lats):
                f.write(f"{name},{float(lon)!r},{float(lat)!r}\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
