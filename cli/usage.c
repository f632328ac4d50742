/* usage.c - --help's text, its fault classes from the class table, and
 * the hidden --list-classes the man page test compares. */
#include "config.h"

#include <stdio.h>

#include "cli/usage.h"
#include "inject/inject.h"

static const char usage_head[] =
	"Usage: fzsandbox [OPTIONS] -- PROGRAM [ARGS...]\n"
	"       fzsandbox outcomes OUT   (what each error path did, from OUT/report.json)\n"
	"       fzsandbox --campaign=FILE [OPTIONS]   (several components, one report)\n"
	"Run PROGRAM many times, failing a different call each run the way the\n"
	"kernel and libc really fail it, and report every crash.\n"
	"\n";
/* Then --inject and its classes, from the class table (usage). */
static const char usage_text[] =
	"  --fault=SPEC          inject exactly this fault (repeatable; one run)\n"
	"                        SPEC = CALL:FAULT[@N|@site#K[:N]|@caller=FUNC[:N]]\n"
	"                        plus @exe=GLOB @path=GLOB @fd=file|pipe|socket|tty\n"
	"  --occurrences=K       fail up to K occurrences per site and thread [3]\n"
	"  --max-runs=N          stop after N runs\n"
	"  --budget=DURATION     stop after this much wall time (exit 3 if cut short)\n"
	"  --stop-on-finding     end the campaign at its first finding (exit 1)\n"
	"  -j, --jobs=N          N runs at once, in worker processes [1]; 0: a CPU each\n"
	"  --exclude-site=KEY    never fail this site (key or caller function)\n"
	"  --only-exe=GLOB       fail only calls of matching executables (repeatable)\n"
	"  --only-path=GLOB      fail only calls on matching paths (repeatable)\n"
	"  --only-fd=TYPE[,TYPE] fail only calls on fds of these types\n"
	"  --suppress=FILE       sites never to fail and findings not to report\n"
	"  --random              after the plan, random runs (until --max-runs or\n"
	"                        --budget; 100 without either)\n"
	"  --probability=P       chance that a call fails in a random run [0.05]\n"
	"  --seed=N              seed of the random runs [from the clock; reported]\n"
	"  --fuzz --corpus=DIR   fuzz: mutated inputs from DIR on stdin or as '@@'\n"
	"                        (needs --max-runs or --budget; docs/fuzzing.md)\n"
	"  --fuzz-faults=P       with --fuzz: chance that a call fails in a run [0]\n"
	"  --dict=FILE|DIR       with --fuzz: tokens in AFL++'s -x format\n"
	"  --fuzz-mutate=LIST    with --fuzz: input, faults (the fault schedule)\n"
	"                        or both [input]\n"
	"  --custom-mutator=SO   with --fuzz: AFL++'s custom mutator ABI (runs in\n"
	"                        fzsandbox's process); --custom-mutator-only\n"
	"  --auto-dict           with --fuzz: strings of the program's .rodata as\n"
	"                        dictionary tokens\n"
	"  --resume              with --fuzz: go on with the campaign in --out\n"
	"                        (its queue, findings, counters; --corpus ignored)\n"
	"  --feedback=WHAT       with --fuzz: auto (the syscall shape, and AFL++'s\n"
	"                        edge map of an afl-cc build), shape, afl [auto]\n"
	"  --from=entry|exec     inject from the program's entry point [entry] or\n"
	"                        from execve, the dynamic loader included\n"
	"  --request=FILE|DIR    service mode: send each file on its own connection\n"
	"  --service             service mode without requests (start-up faults);\n"
	"                        with --fuzz, each run's input is its one request\n"
	"  --reply-timeout=DUR   how long to wait for a reply [2s]\n"
	"  --show-replies        print each request's reply in the run without faults\n"
	"  --stdin=FILE          standard input of the program [/dev/null]\n"
	"  --timeout=DURATION    per run; a run past it is a hang [10s]\n"
	"  --grace=DURATION      after the main process exits or SIGTERM [2s]\n"
	"  --setenv=NAME=VALUE, --unsetenv=NAME, --clear-env\n"
	"  --system-module=NAME  treat this library as a system module for sites\n"
	"  --debuginfo-path=DIRS look for debug files there first (.build-id/, debuglink)\n"
	"  --fail-on-exit        a non-zero exit the clean run did not have is a finding\n"
	"  --abort-is-finding    count deliberate aborts on out-of-memory as findings\n"
	"  --cpu=N|off           pin fzsandbox and the target to CPU N (--fuzz with\n"
	"                        one worker: a free CPU unless off)\n"
	"  --snapshot=MODE       off: exec the program for every run [off; --fuzz:\n"
	"                        auto]; on: run it once up to its snapshot point and\n"
	"                        fork each run from there; auto: on if it can\n"
	"  --snapshot-at=POINT   stdin: its first call on fd 0 [stdin; with @@: the\n"
	"                        file's]; file:PATH: its first call naming PATH;\n"
	"                        func:NAME: NAME's first entry; syscall:NAME[@N]:\n"
	"                        its Nth call of NAME; implies on\n"
	"  --no-sandbox          run the program without the jail (by default it runs\n"
	"                        in namespaces, a new root, no capabilities, seccomp)\n"
	"  --uid=USER|UID        as root, the unprivileged host user the jail runs\n"
	"                        as [nobody]; root's binds are idmapped to it\n"
	"  --allow-syscall=NAME  let the jail's program make this denied syscall\n"
	"                        (or @GROUP; repeatable; see fzsandbox(1))\n"
	"  --rlimit-as=SIZE, --rlimit-fsize=SIZE, --rlimit-cpu=SECONDS,\n"
	"  --rlimit-nofile=N, --rlimit-nproc=N   the target's rlimits (also without\n"
	"                        the jail; 'unlimited' lifts a default); in the jail\n"
	"                        the soft limits nofile 1024 and nproc 512 by default\n"
	"  --memory-limit=SIZE, --pids-limit=N   a cgroup for each campaign (v2 if\n"
	"                        delegated, else v1 as root), else RLIMIT_DATA and\n"
	"                        RLIMIT_NPROC with a warning; SIZE: 64M, 1G, bytes\n"
	"  --tmp-size=SIZE       size of the jail's tmpfs /tmp and /dev/shm, each\n"
	"                        ('unlimited': half of RAM) [64M]\n"
	"  --net=loopback|none|host  the jail's network: its own loopback [loopback],\n"
	"                        nothing, or the host's\n"
	"  --bind=SRC[:DST], --ro-bind=SRC[:DST]  add a host path to the jail\n"
	"  --no-auto-bind        do not bind the host paths the program's arguments\n"
	"                        name (an input read-only, an output's directory\n"
	"                        read-write; see fzsandbox(1))\n"
	"  --workdir=DIR         each run starts in a fresh copy of DIR\n"
	"  --workdir-hash=HASH   refuse to run unless DIR's contents hash to HASH\n"
	"  --check=CMD           after each run, run CMD (sh -c) in the run's work\n"
	"                        directory ({}: its path); a failure after faults is\n"
	"                        a state-corruption finding (repeatable)\n"
	"  --check-timeout=DUR   how long a checker may take [60s]\n"
	"  --check=output        a faulted run exiting 0 with stdout or an output\n"
	"                        file cut short, lines lost or a file missing is\n"
	"                        silent corruption; output-diff: any difference\n"
	"  --ignore=REGEX        with --check=output: text replaced before comparing\n"
	"                        (dates, pids, ids; repeatable, POSIX extended)\n"
	"  --crash-at=durability with --workdir: a run per write, rename, fsync or\n"
	"                        truncate on its files, killed right after it\n"
	"  --recover=CMD         after such a kill, CMD (sh -c) restarts the program\n"
	"                        there; it or a --check failing is crash-recovery\n"
	"  --crash-drop          before it, drop what each file got since its fsync\n"
	"  --malloc-check        preload glibc's debugging malloc (MALLOC_CHECK_=3):\n"
	"                        heap corruption aborts at the corrupting call\n"
	"  --restore=auto|off    snapshot mode: put a batch run's process back in\n"
	"                        place at its exit where it can be [auto]; off: a\n"
	"                        fresh fork every run\n"
	"  --keep-aslr           keep address randomization on in the runs (off by\n"
	"                        default, so that a campaign and its replays repeat)\n"
	"  --shard=K/N           fail only the sites of shard K of N (from 0);\n"
	"                        'fzsandbox merge --out=DIR SHARD_OUT...' unites them\n"
	"  --slowdown=FACTOR     a faulted run exiting 0 after FACTOR times the clean\n"
	"                        run's CPU time or calls is a slowdown [10]; 0: off\n"
	"  --violation-exit=N    with --inject=none: exit N on a sandbox violation\n"
	"  --config=FILE         options from FILE, one 'name = value' a line\n"
	"                        (the long option names); the command line wins\n"
	"  --campaign=FILE       no program: run each '[component NAME]' of FILE\n"
	"                        (command =, share =, paths =, any --config line)\n"
	"                        into OUT/NAME, then one combined report\n"
	"  --changed-from=REV    with --campaign: components whose paths git diff\n"
	"                        REV names get 4 times their share of --budget\n"
	"  --out=DIR             report directory [./fzsandbox-out]\n"
	"  --format=LIST         text,json,sarif,junit: what to write [text,json]\n"
	"  --source-root=DIR     the repository, for SARIF's file locations [.]\n"
	"  --store=DIR           keep each finding in DIR, one file per finding;\n"
	"                        'fzsandbox regress --store=DIR' replays them on a\n"
	"                        later build: fixed, failing, flaky or unmappable\n"
	"  --redact=REGEX        mask text matching REGEX (POSIX extended) as\n"
	"                        [REDACTED] in every output; repeatable\n"
	"  --fail-on=any|new     new: only findings not in --store (nor in\n"
	"                        --baseline=FILE, one key a line) exit 1 [any]\n"
	"  --replay=FILE[#ID]    re-run a finding stored in a report.json\n"
	"  --replay-runs=N       replay N times and report how many reproduced [1]\n"
	"  -q, --quiet           no progress line\n"
	"  -h, --help            this text\n"
	"  -V, --version         version\n"
	"\n"
	"Exit status: 0 no finding, 1 findings (--fail-on=new: new ones), 2 usage or\n"
	"environment error, 3 budget ended before the plan was covered, 130/143\n"
	"interrupted.\n"
	"With --inject=none: the program's own status (128+N on signal N), 124 on\n"
	"--timeout, 125 fzsandbox failed, 126 cannot execute, 127 not found.\n"
	"See fzsandbox(1).\n";

/* The fault classes, from their table (inject/classes.c): --help's lines,
 * and --list-classes's, one a class, tab-separated: name, "default" or
 * "optional", its faults, the calls it fails, its summary (tests compare
 * them with the man page). */
void options_usage(void)
{
	char set[128], faults[128];

	fputs(usage_head, stdout);
	printf("  --inject=CLASSES      fault classes (comma list) or none [%s]:\n",
	       inject_format_classes(inject_default_classes(), set, sizeof(set)));
	for (int i = 0; i < inject_nclasses(); i++)
		printf("%24s%-6s %s\n%31sfaults: %s\n", "", inject_class_name(i),
		       inject_class_summary(i), "", inject_class_faults(i, faults, sizeof(faults)));
	fputs(usage_text, stdout);
}

void options_list_classes(void)
{
	char faults[128], calls[1024];

	for (int i = 0; i < inject_nclasses(); i++)
		printf("%s\t%s\t%s\t%s\t%s\n", inject_class_name(i),
		       inject_class_default(i) ? "default" : "optional",
		       inject_class_faults(i, faults, sizeof(faults)),
		       inject_class_calls(i, calls, sizeof(calls)), inject_class_summary(i));
}

/* The fault table's rows, one a line, tab-separated: class, calls, fd
 * type, blocking mode, size condition, fault, another name for it, when,
 * man page ("-" for an empty field). docs/fault-table.sh makes the man
 * page's and docs/faults.md's lists from it. */
void options_list_faults(void)
{
	char line[1024];

	for (int i = 0; inject_fault_row(i, line, sizeof(line)); i++)
		printf("%s\n", line);
}
