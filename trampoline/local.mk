# trampoline: the child's half of starting a container (linked into minos-exec).
trampoline_sources = trampoline/trampoline.c trampoline/trampoline.h
