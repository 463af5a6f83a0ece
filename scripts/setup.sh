#!/usr/bin/env bash
# Installs the Debian 12 packages launchmc needs to build, test and plot.
# Idempotent: only packages that are missing are installed. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libeigen3-dev          # fixed-size linear algebra for state vectors and frames
  libtbb-dev             # parallel Monte Carlo engine
  libhdf5-dev hdf5-tools # result files (C API) and h5dump for inspection
  libboost-dev           # Boost.Random, Boost.Math (header-only)
  libyaml-cpp-dev        # config files with line/column marks
  libcli11-dev           # command line
  libfmt-dev             # formatting of tables and messages
  libgeographiclib-dev   # WGS-84 geodesy (geodetic <-> ECEF, geodesic distances)
  libgdal-dev            # risk maps: population rasters in, GeoTIFF out
  nlohmann-json3-dev     # JSON output for scripts
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-h5py python3-numpy python3-pandas python3-matplotlib python3-scipy  # notebooks, plots, calibration (Debian's /usr/bin/python3)
  python3-nbconvert python3-ipykernel  # notebooks are executed by the tests
  clang-format            # issue 9: the tree is formatted by .clang-format, checked by scripts/test.sh
  # issue 11: the geography of the risk maps (src/geo)
  libgdal-dev gdal-bin    # GDAL/OGR reads users' region files (GeoJSON, shapefiles); ogrinfo/gdalinfo check exports
  gmt libgmt-dev          # GMT's C API reads the GSHHG coastlines and DCW borders (src/geo/gmt_session)
  gmt-gshhg-low           # GSHHG coastlines (crude, low, intermediate): the land mask
  gmt-dcw                 # DCW country polygons: the countries
  ghostscript             # GMT needs it to write PNG maps
  python3-geopandas iso-codes  # risk --population default: Natural Earth's country populations, ISO 3166 codes
  libopenmpi-dev openmpi-bin  # issue 13: the MPI build (-DLAUNCHMC_MPI=ON) that scripts/test.sh builds and tests
  libhdf5-openmpi-dev     # issue 13: for bench/parallel_hdf5 only (a standalone build); launchmc keeps the serial libhdf5-dev
  clang libclang-rt-14-dev  # issue 8: ASan/UBSan tests and libFuzzer targets (scripts/sanitized_tests.sh, fuzz.sh)
  slurm-wlm munge          # issue 13: tests/slurm starts a private single-node Slurm to run scripts/slurm/
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
