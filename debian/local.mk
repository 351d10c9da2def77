# debian: the Debian packaging (dpkg-buildpackage -us -uc -b), shipped in
# the release tarball so the tarball builds the packages too (t/install.sh
# builds them from `make distdir`).
EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/minos.install debian/libminos-dev.install
