/* serve.c: program entry, options, and the FastCGI (or CGI) accept loop */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include <fcgiapp.h>

#include "extern.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

extern char **environ;

/* ---- FastCGI and CGI transports ---- */

static size_t
fcgi_read(void *ctx, char *buf, size_t n)
{
	FCGX_Request	*req = ctx;
	int		 got = FCGX_GetStr(buf, n > INT32_MAX ? INT32_MAX : (int)n,
	    req->in);

	return got > 0 ? (size_t)got : 0;
}

static bool
fcgi_write(void *ctx, const char *buf, size_t n)
{
	FCGX_Request	*req = ctx;

	return FCGX_PutStr(buf, (int)n, req->out) == (int)n;
}

static bool
fcgi_flush(void *ctx)
{
	FCGX_Request	*req = ctx;

	return FCGX_FFlush(req->out) == 0;
}

static const struct mkt_io fcgi_io = { fcgi_read, fcgi_write, fcgi_flush };

static size_t
cgi_read(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	return fread(buf, 1, n, stdin);
}

static bool
cgi_write(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	return fwrite(buf, 1, n, stdout) == n && fflush(stdout) == 0;
}

static const struct mkt_io cgi_io = { cgi_read, cgi_write, NULL };

/* ---- the loop ---- */

struct loop {
	const struct mkt_app	*app;
	int			 fd;
	pthread_mutex_t		 accept_lock;
	unsigned long		 served;	/* under accept_lock */
};

static volatile sig_atomic_t	 stopping;
static volatile sig_atomic_t	 listen_fd = -1;

/*
 * A signal interrupts accept() in one thread only; the others would go
 * on waiting for connections that never come, and the process would
 * outlive its web server.  Shutting the listening socket down wakes
 * every accept() (shutdown is async-signal-safe); requests in flight
 * finish first.
 */
static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
	if (listen_fd >= 0)
		shutdown(listen_fd, SHUT_RDWR);
}

/*
 * One thread: its own worker (connections, arena) and FastCGI request.
 * Accepting is serialised with a lock, as libfcgi's threaded example
 * does, so that a burst does not wake every thread (thundering herd).
 */
static void *
serve_thread(void *arg)
{
	struct loop		*l = arg;
	struct mkt_worker	 w;
	FCGX_Request		 req;
	int			 rc;

	mkt_worker_init(&w, l->app);
	FCGX_InitRequest(&req, l->fd, 0);
	while (!stopping) {
		pthread_mutex_lock(&l->accept_lock);
		if (l->app->max_requests > 0 &&
		    l->served >= (unsigned long)l->app->max_requests) {
			pthread_mutex_unlock(&l->accept_lock);
			break;
		}
		rc = FCGX_Accept_r(&req);
		l->served++;
		pthread_mutex_unlock(&l->accept_lock);
		if (rc < 0)
			break;
		mkt_handle(&w, &fcgi_io, &req, req.envp);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	mkt_worker_free(&w);
	return NULL;
}

/* The program's own start and stop, around a serving process's life. */
static bool
program_start(const struct mkt_app *app)
{
	if (app->prog->start == NULL || app->prog->start(app))
		return true;
	mkt_log_error(NULL, "mkt-%s could not start; see the messages "
	    "before this one", app->prog->name);
	return false;
}

static void
program_stop(const struct mkt_app *app)
{
	if (app->prog->stop != NULL)
		app->prog->stop();
}

static int
serve_fcgi(const struct mkt_app *app, int fd)
{
	struct loop	 l;
	pthread_attr_t	 attr;
	pthread_t	*threads;
	long		 i;

	memset(&l, 0, sizeof(l));
	l.app = app;
	l.fd = fd;
	listen_fd = fd;
	pthread_mutex_init(&l.accept_lock, NULL);
	if (!program_start(app))
		return 1;
	if (app->threads <= 1) {
		serve_thread(&l);
	} else {
		/* Many threads (the gateway holds one per call in flight):
		 * 2 MiB of stack each is plenty and keeps the address space
		 * of a thousand of them modest. */
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 2u * 1024 * 1024);
		threads = mkt_xcalloc((size_t)app->threads, sizeof(*threads));
		for (i = 0; i < app->threads; i++)
			if (pthread_create(&threads[i], &attr, serve_thread,
			    &l) != 0) {
				fprintf(stderr, "could not start thread: %s\n",
				    strerror(errno));
				exit(1);
			}
		for (i = 0; i < app->threads; i++)
			pthread_join(threads[i], NULL);
		free(threads);
		pthread_attr_destroy(&attr);
	}
	program_stop(app);
	pthread_mutex_destroy(&l.accept_lock);
	return 0;
}

/*
 * --http: this process supervises, a child serves.  lighttpd restarts a
 * FastCGI program that dies; here nothing else would, so the parent does,
 * as PostgreSQL's postmaster does for its backends.  The child inherits
 * the listening socket: connections wait in its backlog while another
 * child starts.  SIGTERM to the parent is passed on, and the parent exits
 * when the child has finished its calls.
 */
static volatile sig_atomic_t	 child_pid;

/* The child stops without touching the listening socket, which is the
 * parent's too (mkt_http_wake). */
static void
on_term_child(int sig)
{
	(void)sig;
	stopping = 1;
	mkt_http_wake();
}

static void
on_term_parent(int sig)
{
	(void)sig;
	stopping = 1;
	if (child_pid > 0)
		kill((pid_t)child_pid, SIGTERM);
}

static int
serve_http_supervised(const struct mkt_app *app, int fd)
{
	struct sigaction	 sa;
	int			 status;
	pid_t			 pid, parent;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term_parent;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	parent = getpid();
	while (!stopping) {
		if ((pid = fork()) < 0) {
			mkt_log_error(NULL, "fork failed: %s", strerror(errno));
			sleep(1);
			continue;
		}
		if (pid == 0) {
			sa.sa_handler = on_term_child;
			sigaction(SIGTERM, &sa, NULL);
			sigaction(SIGINT, &sa, NULL);
			sigaction(SIGUSR1, &sa, NULL);
#ifdef __linux__
			/* A supervisor killed outright (SIGKILL) takes its
			 * child with it, gracefully: no server left behind
			 * holding the port and the journal. */
			if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 ||
			    getppid() != parent)
				return 1;
#endif
			/* Returns through mkt_main's clean-up, as any
			 * server does (LeakSanitizer looks at exit). */
			if (!program_start(app))
				return 1;
			status = mkt_http_serve(app, fd, &stopping);
			program_stop(app);
			return status;
		}
		child_pid = pid;
		if (stopping)		/* a signal came before child_pid was set */
			kill(pid, SIGTERM);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
		if (stopping)
			break;
		if (WIFSIGNALED(status))
			mkt_log_error(NULL, "the HTTP server process %ld was killed "
			    "by signal %d; starting another", (long)pid,
			    WTERMSIG(status));
		else
			mkt_log_error(NULL, "the HTTP server process %ld exited "
			    "with status %d; starting another", (long)pid,
			    WEXITSTATUS(status));
		sleep(1);	/* a child that dies at once must not spin */
	}
	return 0;
}

/* Plain CGI: one request from the environment and standard input.  Handy
 * for debugging and for tests that need no web server. */
static int
serve_cgi(const struct mkt_app *app)
{
	struct mkt_worker	 w;

	mkt_worker_init(&w, app);
	mkt_handle(&w, &cgi_io, NULL, environ);
	mkt_worker_free(&w);
	return 0;
}

/* Once listening, so that a script may wait for the file. */
static bool
write_pid(const struct mkt_program *prog, const char *path)
{
	FILE	*f = fopen(path, "w");

	if (f != NULL) {
		fprintf(f, "%ld\n", (long)getpid());
		if (fclose(f) == 0)
			return true;
	}
	fprintf(stderr, "mkt-%s: could not write %s: %s\n", prog->name, path,
	    strerror(errno));
	return false;
}

static void
usage(FILE *f, const struct mkt_program *prog, const char *argv0)
{
	fprintf(f,
	    "usage: %s [-c FILE] [-s SOCKET | -H ADDR:PORT] [-n THREADS] [-t]\n"
	    "\n%s.\n\n"
	    "Runs as a FastCGI program when started by a web server (lighttpd's\n"
	    "bin-path, Apache's mod_fcgid), as a FastCGI server on SOCKET with\n"
	    "-s (for mod_proxy_fcgi or spawn-fcgi), as an HTTP/1.1 server of its\n"
	    "own with -H (the gateway, for speed: no TLS, so loopback or behind\n"
	    "a proxy that terminates it), or answers one request in CGI mode\n"
	    "when started from a shell with REQUEST_METHOD set.\n\n"
	    "options:\n"
	    "  -c, --config FILE    configuration file (default %s;\n"
	    "                       MKT_<KEY> environment variables override)\n"
	    "  -s, --listen SOCKET  listen on a Unix socket path or :PORT\n"
	    "  -H, --http ADDR:PORT answer HTTP/1.1 clients there ([::1]:PORT,\n"
	    "                       :PORT for every address)\n"
	    "  -p, --pid-file FILE  write the process id there once listening\n"
	    "                       (with -s or -H)\n"
	    "  -n, --threads N      worker threads (default 1, or \"threads\"); more\n"
	    "                       than db_pool_size (16) share that many\n"
	    "                       database connections\n"
	    "  -t, --check          load configuration and templates, then exit\n"
	    "  -V, --version        print the version and exit\n"
	    "  -h, --help           print this help and exit\n",
	    argv0, prog->summary, mkt_config_path_default());
}

int
mkt_main(int argc, char **argv, const struct mkt_program *prog)
{
	static const struct option longopts[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "listen",	required_argument, NULL, 's' },
		{ "http",	required_argument, NULL, 'H' },
		{ "pid-file",	required_argument, NULL, 'p' },
		{ "threads",	required_argument, NULL, 'n' },
		{ "check",	no_argument,	   NULL, 't' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct mkt_app		 app;
	struct mkt_config	*cfg;
	struct sigaction	 sa;
	const char		*cfgpath = NULL, *listen_on = NULL;
	const char		*http_on = NULL, *pid_file = NULL;
	char			 err[512];
	bool			 check = false, explicit_cfg = false;
	long			 threads = 0, pool;
	int			 ch, fd = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:s:H:p:n:tVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			explicit_cfg = true;
			break;
		case 's':
			listen_on = optarg;
			break;
		case 'H':
			http_on = optarg;
			break;
		case 'p':
			pid_file = optarg;
			break;
		case 'n':
			threads = strtol(optarg, NULL, 10);
			if (threads < 1 || threads > 4096) {
				fprintf(stderr, "%s: --threads must be 1 to "
				    "4096\n", argv[0]);
				return 2;
			}
			break;
		case 't':
			check = true;
			break;
		case 'V':
			printf("mkt-%s %s\n", prog->name, PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout, prog, argv[0]);
			return 0;
		default:
			usage(stderr, prog, argv[0]);
			return 2;
		}
	}
	if (cfgpath == NULL) {
		cfgpath = mkt_config_path_default();
		explicit_cfg = getenv("MKT_CONFIG") != NULL;
		if (!explicit_cfg && access(cfgpath, R_OK) != 0)
			cfgpath = NULL;	/* defaults and environment only */
	}
	if ((cfg = mkt_config_load(cfgpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "mkt-%s: %s\n", prog->name, err);
		return 1;
	}
	mkt_log_open(prog->name, mkt_config_str(cfg, "log_file", NULL),
	    mkt_config_str(cfg, "log_level", "info"));
	if (mkt_app_init(&app, prog, cfg, check) != 0) {
		fprintf(stderr, "mkt-%s: start-up failed\n", prog->name);
		mkt_app_free(&app);
		mkt_config_free(cfg);
		return 1;
	}
	if (threads > 0)
		app.threads = threads;
	if (check) {
		printf("mkt-%s: configuration and %zu templates OK\n",
		    prog->name, app.nviews);
		mkt_app_free(&app);
		mkt_config_free(cfg);
		return 0;
	}

	/* More threads than connections: they share a pool. */
	pool = mkt_config_long(cfg, "db_pool_size", 16, 1, 1000);
	if (app.threads > pool)
		mkt_db_pool_init(&app, pool);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_term;	/* no SA_RESTART: accept() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);	/* lighttpd's graceful stop */

	if (http_on != NULL) {
		err[0] = '\0';
		if ((fd = mkt_http_listen(http_on, err, sizeof(err))) < 0) {
			fprintf(stderr, "mkt-%s: could not listen: %s\n",
			    prog->name, err);
			rc = 1;
			goto out;
		}
		listen_fd = fd;
		if (pid_file != NULL && !write_pid(prog, pid_file)) {
			rc = 1;
			goto out;
		}
		mkt_log_info(NULL, "answering HTTP on %s with %ld threads",
		    http_on, app.threads);
		rc = serve_http_supervised(&app, fd);
		goto out;
	}
	FCGX_Init();
	if (listen_on != NULL) {
		if ((fd = FCGX_OpenSocket(listen_on, 128)) < 0) {
			fprintf(stderr, "mkt-%s: could not listen on \"%s\"\n",
			    prog->name, listen_on);
			rc = 1;
			goto out;
		}
		if (pid_file != NULL && !write_pid(prog, pid_file)) {
			rc = 1;
			goto out;
		}
		rc = serve_fcgi(&app, fd);
	} else if (FCGX_IsCGI()) {
		if (getenv("REQUEST_METHOD") == NULL) {
			fprintf(stderr, "mkt-%s: not started by a web server "
			    "(no FastCGI socket, no REQUEST_METHOD); see "
			    "--help\n", prog->name);
			rc = 2;
		} else
			rc = serve_cgi(&app);
	}
	else
		rc = serve_fcgi(&app, 0);
out:
	mkt_db_pool_free(&app);
	mkt_app_free(&app);
	mkt_config_free(cfg);
	mkt_log_close();
	return rc;
}
