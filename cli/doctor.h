/* doctor.h - the `fzsandbox doctor` subcommand (cli/doctor.c). */
#ifndef FZ_DOCTOR_H
#define FZ_DOCTOR_H

/* argv[0] is "doctor". Returns the exit status. */
int doctor_main(int argc, char **argv);

#endif
