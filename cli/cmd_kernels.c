/* \summary: synlab kernels, and synlab run --kernel: the scenarios on other Linux kernels in small VMs */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "matrix.h"
#include "vm.h"

/* Options whose value is a file the run writes (mapped out of the VM). */
static const char *const out_opts[] = {"-o", "--ladder", "--plot",
				       "--annotate"};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
vm_exit(int rc)
{
	return rc == SL_EINTR	 ? SL_EXIT_INTR
	       : rc == SL_EINVAL ? SL_EXIT_USAGE
				 : SL_EXIT_ENV;
}

/* Copies SRC to DST (they may be on different file systems). */
static int
copy_file(const char *src, const char *dst, char *errbuf)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;

	if (in < 0) {
		sl_errbuf_set(errbuf, "%s: %s", src, strerror(errno));
		return SL_EIO;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		sl_errbuf_set(errbuf, "%s: %s", dst, strerror(errno));
		close(in);
		return SL_EIO;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) != 0 || n < 0) {
		sl_errbuf_set(errbuf, "%s: %s", dst, strerror(errno));
		return SL_EIO;
	}
	return SL_OK;
}

/*
 * Prints FILE's content to F (the VM's stdout or stderr of one job); the
 * report's "annotated capture: NAME" names the path asked for, not the
 * name the file had inside the VM.
 */
static void
cat_file(const char *path, FILE *f, char names[][256], const char **dst,
	 size_t nmap)
{
	static const char tag[] = "annotated capture: ";
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *in = fopen(path, "r");

	if (in == NULL)
		return;
	while ((n = getline(&line, &cap, in)) > 0) {
		const char *to = NULL;

		for (size_t m = 0; m < nmap && to == NULL; m++) {
			size_t l = strlen(names[m]);

			if (strncmp(line, tag, sizeof tag - 1) == 0 &&
			    strncmp(line + sizeof tag - 1, names[m], l) == 0 &&
			    line[sizeof tag - 1 + l] == '\n')
				to = dst[m];
		}
		if (to != NULL)
			fprintf(f, "%s%s\n", tag, to);
		else
			fwrite(line, 1, (size_t)n, f);
	}
	free(line);
	fclose(in);
	fflush(f);
}

/* Removes DIR and everything below it (our own temporary results). */
static void
remove_tree(const char *dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/*
 * synlab run ARGS --kernel VERSION: the same run inside a VM of VERSION.
 * ARGS go in unchanged, except that every output file (-o, --ladder, ...)
 * is written in the VM's working directory and copied to the path asked
 * for; files written under a default name land in the current directory.
 */
int
sl_cmd_run_kernel(int argc, char **argv, int at)
{
	const char *version = NULL, *dst[8];
	char *args[128], self[1024], errbuf[SL_ERRBUF_SIZE] = "";
	char dir[] = "/tmp/synlab-kernel.XXXXXX", path[1400], rcs[16] = "";
	char names[8][256];
	struct sl_vm_kernel k;
	struct sl_vm_job job = {"run", NULL};
	DIR *d;
	size_t nargs = 0, nmap = 0;
	bool has_delay = false, simopen = false;
	double t0;
	FILE *f;
	int rc;

	/* --kernel V or --kernel=V at argv[at] */
	if (argv[at][8] == '=')
		version = argv[at] + 9;
	else if (at + 1 < argc)
		version = argv[at + 1];
	if (version == NULL || *version == '\0') {
		fputs("synlab run: --kernel wants a version like 5.10 or "
		      "6.12.95 (synlab kernels --list)\n",
		      stderr);
		return SL_EXIT_USAGE;
	}
	if (argc > 120) {
		fputs("synlab run: too many arguments for --kernel\n", stderr);
		return SL_EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		bool mapped = false;

		if (i == at) {
			i += argv[at][8] == '=' ? 0 : 1;
			continue;
		}
		has_delay |= strncmp(argv[i], "--delay", 7) == 0 ||
			     strncmp(argv[i], "--offset", 8) == 0;
		if (strncmp(argv[i], "--peer", 6) == 0 ||
		    strncmp(argv[i], "--lab-hold", 10) == 0) {
			fputs("synlab run: --kernel runs inside a VM without "
			      "a network card: not with --peer\n",
			      stderr);
			return SL_EXIT_USAGE;
		}
		simopen |= strcmp(argv[i], "simultaneous-open") == 0;
		for (size_t o = 0; o < sizeof out_opts / sizeof out_opts[0];
		     o++) {
			size_t ol = strlen(out_opts[o]);
			const char *v = NULL, *base;

			if (strcmp(argv[i], out_opts[o]) == 0 && i + 1 < argc)
				v = argv[++i];
			else if (strncmp(argv[i], out_opts[o], ol) == 0 &&
				 argv[i][ol] == '=')
				v = argv[i] + ol + 1;
			if (v == NULL || nmap >= 8)
				continue;
			dst[nmap] = v;
			/* Same base name inside, so the report names it. */
			base = strrchr(v, '/') ? strrchr(v, '/') + 1 : v;
			snprintf(names[nmap], sizeof names[nmap], "%s", base);
			for (size_t q = 0; q < nmap; q++)
				if (strcmp(names[q], names[nmap]) == 0)
					snprintf(names[nmap],
						 sizeof names[nmap], "%zu-%s",
						 nmap, base);
			args[nargs++] = (char *)(uintptr_t)out_opts[o];
			args[nargs++] = names[nmap++];
			mapped = true;
			break;
		}
		if (!mapped)
			args[nargs++] = argv[i];
	}
	if (simopen && !has_delay) {
		/* Gate mode: under TCG a zero-delay gate does not always
		 * cross (docs/kernels.md). */
		fputs("synlab run: in a VM, simultaneous-open runs with "
		      "--delay 20ms unless you give --delay\n",
		      stderr);
		args[nargs++] = (char *)(uintptr_t) "--delay";
		args[nargs++] = (char *)(uintptr_t) "20ms";
	}
	args[nargs] = NULL;
	job.argv = (const char *const *)(uintptr_t)args;

	if ((rc = sl_vm_self(self, sizeof self, errbuf)) != SL_OK ||
	    (rc = sl_vm_fetch(version, &k, errbuf)) != SL_OK) {
		fprintf(stderr, "synlab run: --kernel %s: %s\n", version,
			errbuf);
		return vm_exit(rc);
	}
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "synlab run: %s: %s\n", dir, strerror(errno));
		return SL_EXIT_ENV;
	}
	t0 = now_s();
	rc = sl_vm_boot(&k, self, &job, 1, dir, errbuf);
	if (rc != SL_OK) {
		/* dir stays: it holds the VM's console log named above. */
		fprintf(stderr, "synlab run: --kernel %s: %s\n", version,
			errbuf);
		return vm_exit(rc);
	}
	fprintf(stderr, "synlab run: in a VM: Linux %s (Debian %s), %.1f s\n",
		k.release, k.version, now_s() - t0);
	snprintf(path, sizeof path, "%s/run.out", dir);
	cat_file(path, stdout, names, dst, nmap);
	snprintf(path, sizeof path, "%s/run.err", dir);
	cat_file(path, stderr, names, NULL, 0);
	snprintf(path, sizeof path, "%s/run.rc", dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(rcs, sizeof rcs, f) == NULL)
			rcs[0] = '\0';
		fclose(f);
	}
	rc = rcs[0] ? atoi(rcs) : SL_EXIT_ENV;
	/* The files the run wrote: mapped ones to their paths, others here. */
	snprintf(path, sizeof path, "%s/run", dir);
	if ((d = opendir(path)) != NULL) {
		struct dirent *e;

		while ((e = readdir(d)) != NULL) {
			const char *to = NULL;
			char src[1700];

			if (e->d_name[0] == '.')
				continue;
			for (size_t m = 0; m < nmap; m++)
				if (strcmp(e->d_name, names[m]) == 0)
					to = dst[m];
			snprintf(src, sizeof src, "%s/%s", path, e->d_name);
			if (copy_file(src, to ? to : e->d_name, errbuf) !=
			    SL_OK) {
				fprintf(stderr, "synlab run: %s\n", errbuf);
				rc = SL_EXIT_INPUT;
			}
		}
		closedir(d);
	}
	remove_tree(dir);
	return rc;
}

/* ---- synlab kernels ---- */

static void
kernels_usage(FILE *f)
{
	fputs("usage: synlab kernels [VERSION...] [--json] [--html OUT.html]\n"
	      "                      [--dir DIR] [--no-host]\n"
	      "       synlab kernels --list\n"
	      "\n"
	      "Runs the standard scenarios on each kernel in a small VM (QEMU, "
	      "TCG)\nand prints a matrix: one behaviour per row, one kernel "
	      "per column,\neach cell what happened and the capture that "
	      "shows it.\n"
	      "Kernels are Debian's cloud kernels, downloaded once into the "
	      "cache\n($XDG_CACHE_HOME or ~/.cache, under synlab/).  Default: "
	      "5.10, 6.1, 6.12\nand the newest the archive serves, plus this "
	      "machine's kernel (as root).\n"
	      "\n"
	      "  VERSION       a series (6.1) or an exact version (6.12.95)\n"
	      "  --list        the series the archive serves\n"
	      "  --json        the matrix as JSON on stdout\n"
	      "  --html FILE   also write the matrix as an HTML table\n"
	      "  --dir DIR     results (default: the cache's synlab/results)\n"
	      "  --no-host     skip this machine's kernel\n"
	      "\n"
	      "exit status: 0 matrix written; 2 usage; 3 output not writable;"
	      "\n             4 environment (archive unreachable, qemu or "
	      "busybox-static\n             missing); 130 interrupted\n",
	      f);
}

/* mkdir -p */
static int
mkdir_p(const char *dir)
{
	char p[1024];

	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Runs the jobs on this machine's kernel, as the VM would, into DIR. */
static int
run_host(const char *self, const struct sl_vm_job *jobs, size_t n,
	 const char *dir)
{
	for (size_t i = 0; i < n; i++) {
		char jd[1400], path[1500];
		int status = 0;
		pid_t pid;
		FILE *f;

		snprintf(jd, sizeof jd, "%s/%s", dir, jobs[i].id);
		mkdir(jd, 0755);
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			return SL_EIO;
		if (pid == 0) {
			const char *argv[64];
			size_t a = 0;
			int fd;

			argv[a++] = "synlab";
			for (size_t k = 0; jobs[i].argv[k] && a < 63; k++)
				argv[a++] = jobs[i].argv[k];
			argv[a] = NULL;
			if (chdir(jd) != 0)
				_exit(127);
			snprintf(path, sizeof path, "%s/%s.out", dir,
				 jobs[i].id);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0)
				dup2(fd, STDOUT_FILENO);
			snprintf(path, sizeof path, "%s/%s.err", dir,
				 jobs[i].id);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0)
				dup2(fd, STDERR_FILENO);
			execv(self, (char *const *)(uintptr_t)argv);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return SL_EIO;
		snprintf(path, sizeof path, "%s/%s.rc", dir, jobs[i].id);
		if ((f = fopen(path, "w")) != NULL) {
			fprintf(f, "%d\n",
				WIFEXITED(status) ? WEXITSTATUS(status) : 128);
			fclose(f);
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)
			return SL_EINTR;
	}
	return SL_OK;
}

/* The default kernels: the LTS series Debian ships and the newest. */
static size_t
default_versions(char vers[][32], size_t max, char *errbuf, int *rc)
{
	static const char *const lts[] = {"5.10", "6.1", "6.12"};
	char *list = NULL, *line, *save = NULL, last[32] = "";
	size_t n = 0;

	if ((*rc = sl_vm_list(&list, errbuf)) != SL_OK)
		return 0;
	for (line = strtok_r(list, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char s[32];

		if (sscanf(line, "%31s", s) != 1)
			continue;
		snprintf(last, sizeof last, "%s", s);
		for (size_t i = 0; i < 3; i++)
			if (strcmp(s, lts[i]) == 0 && n < max)
				snprintf(vers[n++], 32, "%s", s);
	}
	if (last[0] && n < max && (n == 0 || strcmp(vers[n - 1], last) != 0))
		snprintf(vers[n++], 32, "%s", last);
	free(list);
	return n;
}

static int
write_to(const char *path, int (*fn)(const struct sl_matrix *, FILE *),
	 const struct sl_matrix *m)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL)
		return SL_EIO;
	rc = fn(m, f);
	if (fclose(f) != 0)
		rc = SL_EIO;
	return rc;
}

int
sl_cmd_kernels(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"list", no_argument, NULL, 'L'},
	    {"json", no_argument, NULL, 'j'},
	    {"html", required_argument, NULL, 'H'},
	    {"dir", required_argument, NULL, 'D'},
	    {"no-host", no_argument, NULL, 'N'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char vers[24][32], errbuf[SL_ERRBUF_SIZE] = "", self[1024];
	char base[1024], path[1300], kd[1200];
	const char *html = NULL, *dir = NULL;
	const struct sl_vm_job *jobs;
	struct sl_matrix *m = NULL;
	size_t nv = 0, njobs;
	bool json = false, host = true;
	int c, rc = SL_OK, ret = SL_EXIT_OK;
	double t0, t_all = now_s();

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': {
			char *list = NULL;

			if ((rc = sl_vm_list(&list, errbuf)) != SL_OK) {
				fprintf(stderr, "synlab kernels: %s\n", errbuf);
				return vm_exit(rc);
			}
			fputs("series  newest package (Debian version)\n",
			      stdout);
			for (char *s = strtok(list, "\n"); s;
			     s = strtok(NULL, "\n")) {
				char a[32], b[128], v[64];

				if (sscanf(s, "%31s %127s %63s", a, b, v) == 3)
					printf("%-7s %s (%s)\n", a, b, v);
			}
			free(list);
			return SL_EXIT_OK;
		}
		case 'j':
			json = true;
			break;
		case 'H':
			html = optarg;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'N':
			host = false;
			break;
		case 'h':
			kernels_usage(stdout);
			return SL_EXIT_OK;
		default:
			kernels_usage(stderr);
			return SL_EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc && nv < 24; i++)
		snprintf(vers[nv++], 32, "%s", argv[i]);
	if (optind == argc) {
		nv = default_versions(vers, 24, errbuf, &rc);
		if (rc != SL_OK) {
			fprintf(stderr, "synlab kernels: %s\n", errbuf);
			return vm_exit(rc);
		}
	}
	if (dir == NULL) {
		sl_vm_cache_dir(base, sizeof base);
		strncat(base, "/results", sizeof base - strlen(base) - 1);
	} else {
		snprintf(base, sizeof base, "%s", dir);
	}
	if (mkdir_p(base) != 0 || sl_vm_self(self, sizeof self, errbuf)) {
		fprintf(stderr, "synlab kernels: cannot create %s\n", base);
		return SL_EXIT_INPUT;
	}
	jobs = sl_matrix_jobs(&njobs);
	m = sl_matrix_new();
	for (size_t v = 0; v < nv; v++) {
		struct sl_vm_kernel k;

		if ((rc = sl_vm_fetch(vers[v], &k, errbuf)) != SL_OK) {
			fprintf(stderr, "synlab kernels: %s: %s\n", vers[v],
				errbuf);
			ret = vm_exit(rc);
			goto out;
		}
		snprintf(kd, sizeof kd, "%s/%s", base, k.release);
		remove_tree(kd);
		fprintf(stderr,
			"synlab kernels: Linux %s: booting, %zu runs...\n",
			k.release, njobs);
		t0 = now_s();
		if ((rc = sl_vm_boot(&k, self, jobs, njobs, kd, errbuf)) !=
		    SL_OK) {
			fprintf(stderr, "synlab kernels: %s: %s\n", vers[v],
				errbuf);
			ret = vm_exit(rc);
			goto out;
		}
		sl_matrix_add(m, vers[v], k.release, k.version, kd, kd,
			      now_s() - t0);
		fprintf(stderr, "synlab kernels: Linux %s: %.1f s\n", k.release,
			now_s() - t0);
	}
	if (host && geteuid() == 0) {
		struct utsname u;

		uname(&u);
		snprintf(kd, sizeof kd, "%s/host-%s", base, u.release);
		remove_tree(kd);
		mkdir(kd, 0755);
		fprintf(stderr, "synlab kernels: this machine, Linux %s...\n",
			u.release);
		t0 = now_s();
		if ((rc = run_host(self, jobs, njobs, kd)) != SL_OK) {
			ret = rc == SL_EINTR ? SL_EXIT_INTR : SL_EXIT_ENV;
			goto out;
		}
		sl_matrix_add(m, "host", u.release, "", kd, kd, now_s() - t0);
	} else if (host) {
		fputs("synlab kernels: not root: no column for this "
		      "machine's kernel\n",
		      stderr);
	}
	if (json)
		sl_matrix_write_json(m, stdout);
	else
		sl_matrix_write_text(m, stdout);
	snprintf(path, sizeof path, "%s/matrix.json", base);
	rc = write_to(path, sl_matrix_write_json, m);
	snprintf(path, sizeof path, "%s/matrix.txt", base);
	rc |= write_to(path, sl_matrix_write_text, m);
	snprintf(path, sizeof path, "%s/matrix.html", base);
	rc |= write_to(path, sl_matrix_write_html, m);
	if (html != NULL)
		rc |= write_to(html, sl_matrix_write_html, m);
	if (rc != SL_OK) {
		fprintf(stderr,
			"synlab kernels: cannot write the matrix "
			"into %s\n",
			base);
		ret = SL_EXIT_INPUT;
	}
	fprintf(stderr,
		"synlab kernels: %.0f s in all; matrix, captures and logs in "
		"%s (matrix.html links each capture)\n",
		now_s() - t_all, base);
out:
	sl_matrix_free(m);
	return ret;
}
