#!/usr/bin/env bash
# Builds the Debian package dist/ecom_<version>_<arch>.deb from the binaries in bin/ (`make deb`
# builds them first), offline, with dpkg-deb: `make install` into a staging tree (PREFIX=/usr,
# units in /lib/systemd/system), stripped binaries, the maintainer scripts and documents of
# packaging/deb/, Depends from dpkg-shlibdeps, conffiles = every file under /etc.
#
# Version: the VERSION file, plus "+git<commits>.<hash>" inside a git checkout, and the Debian
# revision "-1" (the packaging lives beside the code, but a revision keeps changelog.Debian.gz
# the file lintian expects). Prints the path of the .deb as its last line.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
out_dir="${DEB_OUT_DIR:-$repo/dist}"

version="$(tr -d ' \n' < VERSION)"
if git rev-parse --git-dir >/dev/null 2>&1; then
  version+="+git$(git rev-list --count HEAD).$(git rev-parse --short=8 HEAD)"
fi
version+="-1"
arch="$(dpkg --print-architecture)"
maintainer="ecom maintainers <maintainers@users.noreply.r-seed-4a2e31e3.example>"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# dpkg-shlibdeps wants the binaries under debian/<package>/ next to a debian/control.
root="$work/debian/ecom"
mkdir -p "$root"

make --no-print-directory -s install DESTDIR="$root" PREFIX=/usr UNITDIR=/lib/systemd/system \
  INSTALL_CONF=no >/dev/null
# /var/log/ecom and /var/lib/ecom are made by postinst (owners and modes), not shipped empty.
rmdir "$root/var/log/ecom" "$root/var/lib/ecom" "$root/var/log" "$root/var/lib" "$root/var"
for b in "$root"/usr/bin/*; do
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$b"
done

doc="$root/usr/share/doc/ecom"
install -d "$doc" "$root/usr/share/lintian/overrides"
install -m 0644 packaging/deb/README.Debian packaging/deb/copyright "$doc/"
# The API reference (`make docs`: one static page and the OpenAPI document it was built from).
install -d "$doc/api"
install -m 0644 build/docs/api/index.html build/docs/api/openapi.yaml "$doc/api/"
{
  echo "ecom ($version) unstable; urgency=medium"
  echo
  echo "  * Built from commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)."
  echo
  echo " -- $maintainer  $(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
} | gzip -9n > "$doc/changelog.Debian.gz"
install -m 0644 packaging/deb/lintian-overrides "$root/usr/share/lintian/overrides/ecom"

# Depends: the shared libraries the binaries link (libfcgi0ldbl, libmysqlcppconn7v5, ...).
install -d -m 0755 "$root/DEBIAN"
printf 'Source: ecom\n\nPackage: ecom\nArchitecture: any\n' > "$work/debian/control"
shlibs="$(cd "$work" && dpkg-shlibdeps -O debian/ecom/usr/bin/* | sed -n 's/^shlibs:Depends=//p')"
[[ -n "$shlibs" ]] || { echo "build-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm -f "$work/debian/control"

install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"
(cd "$root" && find etc -type f | sort | sed 's|^|/|') > "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$root/DEBIAN/md5sums"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: ecom
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $shlibs, adduser
Recommends: nginx-light | nginx | apache2, logrotate, mariadb-client
Suggests: mariadb-server
Section: web
Priority: optional
Description: multi-tenant e-commerce API on FastCGI
 Many small shops on one service: a pre-forking FastCGI server (ecom-fcgi)
 behind nginx or Apache, each store in a MariaDB schema of its own, and the
 provisioner (ecom-provision) that creates, migrates and repairs the stores.
 .
 The package ships systemd units and timers, a logrotate file and the web
 server sites; nothing is started until the database is configured (see
 README.Debian).
CONTROL

mkdir -p "$out_dir"
rm -f "$out_dir"/ecom_*.deb
deb="$out_dir/ecom_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
