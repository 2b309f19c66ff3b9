/*
 * The serving subsystem's entry points: serving a snapshot (serve.c) and the
 * GDB-side listener that the live proxy shares (listen.c).
 */
#ifndef PGSTUB_SERVE_H
#define PGSTUB_SERVE_H

/* `pgstub [OPTIONS] IMAGE`: the process's exit status. */
int serve_main(int argc, char **argv);

/* Open the GDB-side listener: @unix_path if set, else @listen ("HOST:PORT",
 * NULL for 127.0.0.1:1234); says where on stderr (listen.c). */
int pgstub_listen(const char *listen, const char *unix_path, int *fd);

#endif
