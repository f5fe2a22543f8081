#!/bin/sh
# Installs the Debian packages the build needs, and only those that are absent.
# Runs apt-get through sudo when not root. Silent when everything is present.
set -eu

PACKAGES="build-essential pkg-config libnetcdf-dev netcdf-bin libgdal-dev gdal-bin libproj-dev
libopenblas-dev liblapacke-dev libcriterion-dev libcairo2-dev libinih-dev fonts-dejavu-core
gmt-dcw $*"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
