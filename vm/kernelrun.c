/* \summary: synlab on other kernels: one run in a VM, and the matrix run over kernels */
#include "kernelrun.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

/* Options whose value is a file the run writes (mapped out of the VM). */
static const char *const out_opts[] = {"-o", "--ladder", "--plot",
				       "--annotate"};

double
sl_vm_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
 * If argv[*i] is an output option (with its value there or in the next
 * argument), maps it to a name inside the VM and returns true.
 */
static bool
map_output(struct sl_vm_run *r, int argc, char **argv, int *i)
{
	for (size_t o = 0; o < sizeof out_opts / sizeof out_opts[0]; o++) {
		size_t ol = strlen(out_opts[o]), n = r->nmap;
		const char *v = NULL, *base;

		if (strcmp(argv[*i], out_opts[o]) == 0 && *i + 1 < argc)
			v = argv[++*i];
		else if (strncmp(argv[*i], out_opts[o], ol) == 0 &&
			 argv[*i][ol] == '=')
			v = argv[*i] + ol + 1;
		if (v == NULL || n >= SL_VM_RUN_MAXOUT)
			continue;
		r->dst[n] = v;
		/* Same base name inside, so the report names it. */
		base = strrchr(v, '/') ? strrchr(v, '/') + 1 : v;
		snprintf(r->names[n], sizeof r->names[n], "%s", base);
		for (size_t q = 0; q < n; q++)
			if (strcmp(r->names[q], r->names[n]) == 0)
				snprintf(r->names[n], sizeof r->names[n],
					 "%zu-%s", n, base);
		r->args[r->nargs++] = (char *)(uintptr_t)out_opts[o];
		r->args[r->nargs++] = r->names[n];
		r->nmap++;
		return true;
	}
	return false;
}

int
sl_vm_run_args(struct sl_vm_run *r, int argc, char **argv, int at, char *errbuf)
{
	bool has_delay = false, simopen = false;

	memset(r, 0, sizeof(*r));
	/* --kernel V or --kernel=V at argv[at] */
	if (argv[at][8] == '=')
		r->version = argv[at] + 9;
	else if (at + 1 < argc)
		r->version = argv[at + 1];
	if (r->version == NULL || *r->version == '\0') {
		sl_errbuf_set(errbuf, "--kernel wants a version like 5.10 or "
				      "6.12.95 (synlab kernels --list)");
		return SL_EINVAL;
	}
	if (argc > SL_VM_RUN_MAXARGS - 8) {
		sl_errbuf_set(errbuf, "too many arguments for --kernel");
		return SL_EINVAL;
	}
	for (int i = 0; i < argc; i++) {
		if (i == at) {
			i += argv[at][8] == '=' ? 0 : 1;
			continue;
		}
		has_delay |= strncmp(argv[i], "--delay", 7) == 0 ||
			     strncmp(argv[i], "--offset", 8) == 0;
		if (strncmp(argv[i], "--peer", 6) == 0 ||
		    strncmp(argv[i], "--lab-hold", 10) == 0) {
			sl_errbuf_set(errbuf,
				      "--kernel runs inside a VM without a "
				      "network card: not with %.*s",
				      (int)strcspn(argv[i], "="), argv[i]);
			return SL_EINVAL;
		}
		simopen |= strcmp(argv[i], "simultaneous-open") == 0;
		if (!map_output(r, argc, argv, &i))
			r->args[r->nargs++] = argv[i];
	}
	if (simopen && !has_delay) {
		/* Gate mode: under TCG a zero-delay gate does not always
		 * cross (docs/kernels.md). */
		r->args[r->nargs++] = (char *)(uintptr_t) "--delay";
		r->args[r->nargs++] = (char *)(uintptr_t) "20ms";
		r->added_delay = true;
	}
	r->args[r->nargs] = NULL;
	return SL_OK;
}

int
sl_vm_run_boot(struct sl_vm_run *r, char *errbuf)
{
	struct sl_vm_job job = {"run", (const char *const *)(uintptr_t)r->args};
	char self[1024], why[SL_ERRBUF_SIZE] = "";
	double t0;
	int rc;

	if ((rc = sl_vm_self(self, sizeof self, why)) != SL_OK ||
	    (rc = sl_vm_fetch(r->version, &r->k, why)) != SL_OK)
		goto fail;
	snprintf(r->dir, sizeof r->dir, "%s", "/tmp/synlab-kernel.XXXXXX");
	if (mkdtemp(r->dir) == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", r->dir, strerror(errno));
		return SL_EIO;
	}
	t0 = sl_vm_now_s();
	rc = sl_vm_boot(&r->k, self, &job, 1, r->dir, why);
	r->seconds = sl_vm_now_s() - t0;
	if (rc == SL_OK)
		return SL_OK;
fail:
	sl_errbuf_set(errbuf, "--kernel %s: %s", r->version, why);
	return rc;
}

int
sl_vm_run_collect(struct sl_vm_run *r, int *status, char *errbuf)
{
	char path[1400], rcs[16] = "";
	int rc = SL_OK;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof path, "%s/run.out", r->dir);
	cat_file(path, stdout, r->names, r->dst, r->nmap);
	snprintf(path, sizeof path, "%s/run.err", r->dir);
	cat_file(path, stderr, r->names, NULL, 0);
	snprintf(path, sizeof path, "%s/run.rc", r->dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(rcs, sizeof rcs, f) == NULL)
			rcs[0] = '\0';
		fclose(f);
	}
	*status = rcs[0] ? atoi(rcs) : -1;
	/* The files the run wrote: mapped ones to their paths, others here. */
	snprintf(path, sizeof path, "%s/run", r->dir);
	if ((d = opendir(path)) != NULL) {
		struct dirent *e;

		while ((e = readdir(d)) != NULL) {
			const char *to = NULL;
			char src[1700], why[SL_ERRBUF_SIZE];

			if (e->d_name[0] == '.')
				continue;
			for (size_t m = 0; m < r->nmap && m < SL_VM_RUN_MAXOUT;
			     m++)
				if (strcmp(e->d_name, r->names[m]) == 0)
					to = r->dst[m];
			snprintf(src, sizeof src, "%s/%s", path, e->d_name);
			if (copy_file(src, to ? to : e->d_name, why) != SL_OK &&
			    rc == SL_OK) {
				snprintf(errbuf, SL_ERRBUF_SIZE, "%s", why);
				rc = SL_EIO;
			}
		}
		closedir(d);
	}
	remove_tree(r->dir);
	return rc;
}

int
sl_vm_run_in_vm(struct sl_vm_run *r, FILE *log, int *status, char *errbuf)
{
	int rc;

	*status = -1;
	if (r->added_delay)
		fputs("synlab run: in a VM, simultaneous-open runs with "
		      "--delay 20ms unless you give --delay\n",
		      log);
	if ((rc = sl_vm_run_boot(r, errbuf)) != SL_OK)
		return rc;
	fprintf(log, "synlab run: in a VM: Linux %s (Debian %s), %.1f s\n",
		r->k.release, r->k.version, r->seconds);
	rc = sl_vm_run_collect(r, status, errbuf);
	if (*status < 0)
		*status = SL_EXIT_ENV;
	return rc;
}

void
sl_vm_list_write(char *list, FILE *f)
{
	char *save = NULL;

	fputs("series  newest package (Debian version)\n", f);
	for (char *s = strtok_r(list, "\n", &save); s != NULL;
	     s = strtok_r(NULL, "\n", &save)) {
		char a[32], b[128], v[64];

		if (sscanf(s, "%31s %127s %63s", a, b, v) == 3)
			fprintf(f, "%-7s %s (%s)\n", a, b, v);
	}
}

int
sl_vm_default_versions(char vers[][32], size_t max, size_t *nout, char *errbuf)
{
	static const char *const lts[] = {"5.10", "6.1", "6.12"};
	char *list = NULL, *line, *save = NULL, last[32] = "";
	size_t n = 0;

	int rc;

	*nout = 0;
	if ((rc = sl_vm_list(&list, errbuf)) != SL_OK)
		return rc;
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
	*nout = n;
	return SL_OK;
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
	 const char *dir, char *errbuf)
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
		if (pid < 0) {
			sl_errbuf_set(errbuf, "this machine: fork: %s",
				      strerror(errno));
			return SL_EIO;
		}
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
			if (errno != EINTR) {
				sl_errbuf_set(errbuf, "this machine: %s",
					      strerror(errno));
				return SL_EIO;
			}
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
sl_vm_results_dir(const char *dir, char *base, size_t len)
{
	if (dir == NULL) {
		sl_vm_cache_dir(base, len);
		strncat(base, "/results", len - strlen(base) - 1);
	} else {
		snprintf(base, len, "%s", dir);
	}
	return mkdir_p(base);
}

/* Boots kernel VERSION with the jobs and adds its column to m. */
static int
matrix_kernel(struct sl_matrix *m, const char *version, const char *self,
	      const char *base, char *errbuf)
{
	const struct sl_vm_job *jobs;
	struct sl_vm_kernel k;
	char kd[1200], why[SL_ERRBUF_SIZE] = "";
	size_t njobs;
	double t0;
	int rc;

	jobs = sl_matrix_jobs(&njobs);
	if ((rc = sl_vm_fetch(version, &k, why)) != SL_OK)
		goto fail;
	snprintf(kd, sizeof kd, "%s/%s", base, k.release);
	remove_tree(kd);
	fprintf(stderr, "synlab kernels: Linux %s: booting, %zu runs...\n",
		k.release, njobs);
	t0 = sl_vm_now_s();
	if ((rc = sl_vm_boot(&k, self, jobs, njobs, kd, why)) != SL_OK)
		goto fail;
	sl_matrix_add(m, version, k.release, k.version, kd, kd,
		      sl_vm_now_s() - t0);
	fprintf(stderr, "synlab kernels: Linux %s: %.1f s\n", k.release,
		sl_vm_now_s() - t0);
	return SL_OK;
fail:
	sl_errbuf_set(errbuf, "%s: %s", version, why);
	return rc;
}

/* Runs the jobs on this machine's kernel and adds its column to m. */
static int
matrix_host(struct sl_matrix *m, const char *self, const char *base,
	    char *errbuf)
{
	const struct sl_vm_job *jobs;
	struct utsname u;
	char kd[1200];
	size_t njobs;
	double t0;
	int rc;

	jobs = sl_matrix_jobs(&njobs);
	uname(&u);
	snprintf(kd, sizeof kd, "%s/host-%s", base, u.release);
	remove_tree(kd);
	mkdir(kd, 0755);
	fprintf(stderr, "synlab kernels: this machine, Linux %s...\n",
		u.release);
	t0 = sl_vm_now_s();
	if ((rc = run_host(self, jobs, njobs, kd, errbuf)) != SL_OK)
		return rc;
	sl_matrix_add(m, "host", u.release, "", kd, kd, sl_vm_now_s() - t0);
	return SL_OK;
}

int
sl_vm_matrix_run(char vers[][32], size_t nv, bool host, const char *base,
		 struct sl_matrix **out, char *errbuf)
{
	struct sl_matrix *m;
	char self[1024];
	int rc;

	*out = NULL;
	errbuf[0] = '\0';
	if ((rc = sl_vm_self(self, sizeof self, errbuf)) != SL_OK)
		return rc;
	m = sl_matrix_new();
	for (size_t v = 0; v < nv; v++)
		if ((rc = matrix_kernel(m, vers[v], self, base, errbuf)) !=
		    SL_OK)
			goto fail;
	if (host && geteuid() == 0) {
		if ((rc = matrix_host(m, self, base, errbuf)) != SL_OK)
			goto fail;
	} else if (host) {
		fputs("synlab kernels: not root: no column for this "
		      "machine's kernel\n",
		      stderr);
	}
	*out = m;
	return SL_OK;
fail:
	sl_matrix_free(m);
	return rc;
}

int
sl_vm_matrix_save(const struct sl_matrix *m, const char *base, const char *html)
{
	char path[1300];
	int rc;

	snprintf(path, sizeof path, "%s/matrix.json", base);
	rc = write_to(path, sl_matrix_write_json, m);
	snprintf(path, sizeof path, "%s/matrix.txt", base);
	rc |= write_to(path, sl_matrix_write_text, m);
	snprintf(path, sizeof path, "%s/matrix.html", base);
	rc |= write_to(path, sl_matrix_write_html, m);
	if (html != NULL)
		rc |= write_to(html, sl_matrix_write_html, m);
	return rc != SL_OK ? SL_EIO : SL_OK;
}

int
sl_vm_kernels_run(const struct sl_vm_kernels *k, FILE *out, FILE *log,
		  char *errbuf)
{
	char vers[24][32], base[1024];
	struct sl_matrix *m = NULL;
	size_t nv = k->nv;
	double t_all = sl_vm_now_s();
	int rc = SL_OK;

	memcpy(vers, k->vers, sizeof vers);
	if (nv == 0 &&
	    (rc = sl_vm_default_versions(vers, 24, &nv, errbuf)) != SL_OK)
		return rc == SL_EIO ? SL_ENV : rc;
	if (sl_vm_results_dir(k->dir, base, sizeof base) != 0) {
		sl_errbuf_set(errbuf, "cannot create %s", base);
		return SL_EIO;
	}
	if ((rc = sl_vm_matrix_run(vers, nv, k->host, base, &m, errbuf)) !=
	    SL_OK)
		return rc == SL_EIO ? SL_ENV : rc;
	if (k->json)
		sl_matrix_write_json(m, out);
	else
		sl_matrix_write_text(m, out);
	if (sl_vm_matrix_save(m, base, k->html) != SL_OK) {
		sl_errbuf_set(errbuf, "cannot write the matrix into %s", base);
		rc = SL_EIO;
	}
	fprintf(log,
		"synlab kernels: %.0f s in all; matrix, captures and logs in "
		"%s (matrix.html links each capture)\n",
		sl_vm_now_s() - t_all, base);
	sl_matrix_free(m);
	return rc;
}
