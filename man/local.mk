# man: hand-written roff pages, installed and distributed.
# Each page must stay clean under `mandoc -Tlint`.
dist_man_MANS += man/minos-exec.1 man/minos.7 man/libminos.3 man/minos-policy.5
