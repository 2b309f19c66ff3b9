/*
 * `pgstub export --paging IMAGE OUT.elf` (export.c).
 */
#ifndef PGSTUB_EXPORT_H
#define PGSTUB_EXPORT_H

/* The subcommand's argv (argv[0] is "export"): the exit status. */
int export_main(int argc, char **argv);

#endif
