/* log.c: structured log lines, one JSON object per line */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "market.h"

/*
 * Process-wide and set once at start-up, before any thread runs: the log
 * destination is configuration, not request state.  Each line is built in
 * full and written with one write(2) to an O_APPEND descriptor, so lines
 * from several processes and threads never interleave.
 */
static int			 log_fd = 2;
static enum mkt_loglevel	 log_level = MKT_LOG_INFO;
static const char		*log_program = "market";

static const char *const levels[] = { "error", "warn", "info", "debug" };

/* The pid in every line, without a system call per line; a forked child
 * (marketctl's helpers) learns its own. */
static pid_t		 log_pid;
static pthread_once_t	 pid_once = PTHREAD_ONCE_INIT;

static void
pid_refresh(void)
{
	log_pid = getpid();
}

static void
pid_register(void)
{
	pthread_atfork(NULL, NULL, pid_refresh);
}

void
mkt_log_open(const char *program, const char *path, const char *level)
{
	size_t	 i;
	int	 fd;

	log_program = program;
	log_pid = getpid();
	pthread_once(&pid_once, pid_register);
	if (level != NULL)
		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			if (strcmp(level, levels[i]) == 0)
				log_level = (enum mkt_loglevel)i;
	if (path == NULL || *path == '\0' || strcmp(path, "stderr") == 0)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		fprintf(stderr, "%s: could not open log file \"%s\": %s; "
		    "logging to standard error\n", program, path,
		    strerror(errno));
		return;
	}
	log_fd = fd;
}

void
mkt_log_close(void)
{
	if (log_fd > 2)
		close(log_fd);
	log_fd = 2;
}

static void
line_start(struct mkt_buf *b, const char *level)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 ts[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	mkt_buf_printf(b, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\","
	    "\"program\":\"%s\",\"pid\":%ld", ts, (long)tv.tv_usec / 1000,
	    level, log_program, (long)(log_pid ? log_pid : getpid()));
}

static void
line_write(struct mkt_buf *b)
{
	mkt_buf_puts(b, "}\n");
	/* A failed log write has nowhere better to go; never block a reply. */
	if (write(log_fd, b->ptr, b->len) < 0)
		(void)0;
	mkt_buf_free(b);
}

void
mkt_logx(enum mkt_loglevel lvl, const char *request_id, const char *file,
    int line, const char *fmt, ...)
{
	struct mkt_buf	 b, msg;
	va_list		 ap;

	if (lvl > log_level)
		return;
	mkt_buf_init(&b);
	mkt_buf_init(&msg);
	va_start(ap, fmt);
	mkt_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	line_start(&b, levels[lvl]);
	if (request_id != NULL && *request_id != '\0') {
		mkt_buf_puts(&b, ",\"request_id\":\"");
		mkt_esc_log(&b, request_id, strlen(request_id));
		mkt_buf_putc(&b, '"');
	}
	mkt_buf_printf(&b, ",\"src\":\"%s:%d\",\"msg\":\"", file, line);
	if (msg.ptr != NULL)
		mkt_esc_log(&b, msg.ptr, msg.len);
	mkt_buf_putc(&b, '"');
	mkt_buf_free(&msg);
	line_write(&b);
}

void
mkt_log_access(const char *request_id, const char *method, const char *path,
    int status, size_t bytes, double ms, const char *addr)
{
	struct mkt_buf	 b;

	if (log_level < MKT_LOG_INFO)
		return;
	mkt_buf_init(&b);
	line_start(&b, "info");
	mkt_buf_puts(&b, ",\"event\":\"request\",\"request_id\":\"");
	mkt_esc_log(&b, request_id, strlen(request_id));
	mkt_buf_puts(&b, "\",\"method\":\"");
	mkt_esc_log(&b, method, strlen(method));
	mkt_buf_puts(&b, "\",\"path\":\"");
	mkt_esc_log(&b, path, strlen(path));
	mkt_buf_printf(&b, "\",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f",
	    status, bytes, ms);
	if (addr != NULL) {
		mkt_buf_puts(&b, ",\"addr\":\"");
		mkt_esc_log(&b, addr, strlen(addr));
		mkt_buf_putc(&b, '"');
	}
	line_write(&b);
}
