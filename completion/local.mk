# completion: bash completion for minos-exec.  The file is installed under
# the command's name, as bash-completion loads it on first use, into
# $(bashcompletiondir) (configure chooses it: see configure.ac).
EXTRA_DIST += completion/minos-exec.bash

install-data-local: install-bash-completion
uninstall-local: uninstall-bash-completion
install-bash-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	$(INSTALL_DATA) $(srcdir)/completion/minos-exec.bash \
		'$(DESTDIR)$(bashcompletiondir)/minos-exec'
uninstall-bash-completion:
	rm -f '$(DESTDIR)$(bashcompletiondir)/minos-exec'
.PHONY: install-bash-completion uninstall-bash-completion
