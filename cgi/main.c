/* SPDX-License-Identifier: MIT */
/* main.c: the FastCGI app's start, and a small pre-forking supervisor that
 * keeps App.Workers workers alive. The route table and the dispatcher are
 * in routes.c.
 *
 * The listening socket is fd 0 (spawn-fcgi) or fd 3 (systemd socket
 * activation). Each worker runs App.Threads threads, each serving one
 * connection at a time (fcgi_threads.h), and the push server
 * (push_server.h), which stores every push in batches and serves the push
 * socket: fd 4 from systemd, or App.PushSocket, bound here.
 * A worker holds one database connection, one libcurl handle and
 * ClearSilver's process-global state: the worker lock (worker_lock.h) lets
 * one request at a time use them. BATCHED routes take it themselves,
 * briefly. */
#include <curl/curl.h>
#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "pass.h"
#include "plugin.h"
#include "publish.h"
#include "fcgi_threads.h"
#include "feed.h"
#include "read_cache.h"
#include "push_server.h"
#include "render.h"
#include "routes.h"
#include "worker_lock.h"
#include "schema.h"
#include "wtype.h"

/* Set by a stop signal, in the supervisor. */
static atomic_int stopping;

static void on_stop(int sig)
{
	(void)sig;
	atomic_store(&stopping, 1);
}

struct worker {
	int listen_fd, push_fd;
	const struct md_config *cfg;
};

/* A worker's main thread starts the threads that serve, then waits for a
 * stop signal (blocked since the fork: see spawn_worker). The signals are
 * blocked in every thread and taken here: a signal handler would interrupt
 * a thread's read or write (libfcgi does not retry them), and cut a
 * request short. On a stop, the threads finish the requests in hand and
 * close their connections; when none is left in hand, the worker exits. */
static int worker(int listen_fd, int push_fd, const struct md_config *cfg, const sigset_t *stop)
{
	signal(SIGPIPE, SIG_IGN);
	db_init(cfg);
	/* One malloc arena, not one per busy thread: threads mostly wait, and
	 * each extra arena keeps its own free memory (worker RSS). */
	mallopt(M_ARENA_MAX, 1);
	/* A link to the push loop for each thread: its one way to the batch. */
	read_cache_setup(cfg->cache_seconds);
	feed_start(cfg);
	if (push_server_start(push_fd, (int)cfg->threads, cfg) || !fcgi_threads_start(listen_fd, cfg))
		return 1;
	int sig;
	while (sigwait(stop, &sig))
		;
	/* The threads' pushes need the loop: it stops last. */
	fcgi_threads_stop();
	push_server_stop();
	feed_stop();
	read_cache_cleanup();
	worker_lock();
	db_close();
	publish_cleanup();
	render_cache_clear();
	render_cleanup();
	return 0;
}

/* Only the first worker serves the push socket: pushes that share a
 * loop share its commits, where two loops would split the batches and
 * wait on each other's row locks (measured: 8,100 pushes a second with
 * one loop, 6,100 with two). While a new first worker starts, nginx's
 * connections wait in the socket's queue, which this process holds. */
static pid_t spawn_worker(const struct worker *w, int index)
{
	pid_t supervisor = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* A worker does not outlive its supervisor (killed, say): it
		 * would keep the sockets, and a new app could not bind the push
		 * socket. It stops as on SIGTERM, answering what it has in hand:
		 * the signal waits, blocked, for the worker's sigwait. The check
		 * after the setting catches a supervisor that died before it. */
		sigset_t stop;
		sigemptyset(&stop);
		sigaddset(&stop, SIGTERM);
		sigaddset(&stop, SIGINT);
		pthread_sigmask(SIG_BLOCK, &stop, NULL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != supervisor)
			_exit(0);
		if (index != 0 && w->push_fd >= 0)
			close(w->push_fd); /* the first worker's alone */
		_exit(worker(w->listen_fd, index == 0 ? w->push_fd : -1, w->cfg, &stop));
	}
	if (pid < 0)
		log_error("cannot start a worker: %s", strerror(errno));
	return pid;
}

/* Keeps n workers running until asked to stop; a worker that dies is
 * replaced (after a pause if it died young, so a crash loop does not spin). */
static int supervise(const struct worker *w, int n)
{
	pid_t *pids = xcalloc((size_t)n, sizeof *pids);
	long long *started = xcalloc((size_t)n, sizeof *started);
	struct sigaction sa = {.sa_handler = on_stop};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (int i = 0; i < n; i++) {
		pids[i] = spawn_worker(w, i);
		started[i] = now_ms();
	}
	log_info("serving with %d workers of %ld threads%s", n, w->cfg->threads,
		 w->push_fd >= 0 ? ", pushes on the push socket too" : "");
	while (!atomic_load(&stopping)) {
		int status;
		pid_t dead = wait(&status);
		if (dead < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n && !atomic_load(&stopping); i++) {
			if (pids[i] != dead)
				continue;
			if (WIFSIGNALED(status))
				log_error("worker %d died of signal %d; starting a new one", (int)dead,
					  WTERMSIG(status));
			else
				log_warn("worker %d exited with %d; starting a new one", (int)dead,
					 WEXITSTATUS(status));
			metrics_add(M_WORKER_RESTARTS, 1);
			if (now_ms() - started[i] < 1000)
				sleep(1);
			pids[i] = spawn_worker(w, i);
			started[i] = now_ms();
		}
	}
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	free(pids);
	free(started);
	log_info("stopped");
	return 0;
}

/* App.PushSocket, bound with the main socket's owner and mode (nginx may
 * use the one, so it may use the other): the socket, -1 when there is none
 * to bind, -2 on failure (said). */
static int bind_push_socket(const char *path, int listen_fd)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX}, main_addr;
	socklen_t alen = sizeof main_addr;
	struct stat st;
	if (!*path)
		return -1;
	if (strlen(path) >= sizeof a.sun_path) {
		fprintf(stderr, "mdash.fcgi: App.PushSocket: path too long for a socket: %s\n", path);
		return -2;
	}
	strcpy(a.sun_path, path);
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int live = probe >= 0 && !connect(probe, (struct sockaddr *)&a, sizeof a);
		if (probe >= 0)
			close(probe);
		if (live) {
			fprintf(stderr, "mdash.fcgi: App.PushSocket: another process serves %s\n", path);
			return -2;
		}
		unlink(path); /* left by the last run */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, SOMAXCONN)) {
		fprintf(stderr, "mdash.fcgi: App.PushSocket: cannot listen on %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -2;
	}
	if (!getsockname(listen_fd, (struct sockaddr *)&main_addr, &alen) && main_addr.sun_family == AF_UNIX &&
	    main_addr.sun_path[0] && !stat(main_addr.sun_path, &st)) {
		if (chmod(path, st.st_mode & 0777) || (chown(path, st.st_uid, st.st_gid) && errno != EPERM))
			log_warn("App.PushSocket %s: not the main socket's access: %s", path, strerror(errno));
	} else if (chmod(path, 0660)) {
		log_warn("App.PushSocket %s: %s", path, strerror(errno));
	}
	return fd;
}

/* A database of another schema version would fail in odd ways later:
 * refuse to start, saying what to do. A database that cannot be reached
 * is no reason not to start: the workers connect when it is back. The
 * connection is closed before the workers fork. */
static int schema_ok(const struct md_config *cfg)
{
	struct buf err = {0};
	db_init(cfg);
	int rc = schema_check(&err);
	db_close();
	if (rc > 0)
		log_error("%s", buf_str(&err));
	else if (rc < 0)
		log_warn("database schema not checked: %s", buf_str(&err));
	buf_free(&err);
	return rc <= 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mdash.fcgi [-c SETTINGS] | --help | --version\n"
		"The FastCGI app of mdash; start it with spawn-fcgi or a systemd socket\n"
		"(see mdash.fcgi(8)). The settings file is -c, else $MDASH_CONFIG, else\n"
		"%s.\n",
		config_installed_path());
}

int main(int argc, char **argv)
{
	const char *path = config_default_path();
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("mdash.fcgi %s\n", MDASH_VERSION);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "-c"))
		path = argv[2];
	else if (argc != 1) {
		usage(stderr);
		return 2;
	}
	struct md_config cfg;
	struct buf err = {0};
	if (config_load(path, &cfg, &err)) {
		fprintf(stderr, "mdash.fcgi: %s\n", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	log_set_level(cfg.log_level);
	int listen_fd = 0, nfds = 0;
	const char *lfds = getenv("LISTEN_FDS");
	if (lfds && (nfds = atoi(lfds)) >= 1)
		listen_fd = 3;
	int push_fd = nfds >= 2 ? 4 : bind_push_socket(cfg.push_socket, listen_fd);
	if (push_fd == -2) {
		config_free(&cfg);
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	FCGX_Init();
	wtype_register_builtin();
	/* Before forking: every worker shares the loaded plug-ins. */
	plugin_load_dir(cfg.plugin_dir);
	/* Read once, before forking; without a key pages fetch from the app. */
	int passes = pass_enabled(&cfg, &err);
	if (passes < 0)
		log_error("fragment passes off: %s", buf_str(&err));
	else
		log_info("fragment passes %s", passes ? "on (nginx caches fragments)" : "off (no FragmentKeyFile)");
	buf_free(&err);
	if (!schema_ok(&cfg)) {
		if (push_fd >= 0 && nfds < 2)
			unlink(cfg.push_socket);
		config_free(&cfg);
		return 1;
	}
	/* The counters of GET /metrics, shared by every worker. */
	if (metrics_share())
		log_warn("metrics: no shared memory (%s); each worker counts on its own", strerror(errno));
	/* The record of changes, shared so that a write made by one worker is
	 * seen by the others before it is answered (read_cache.h). */
	if (read_cache_share())
		log_warn("read cache: no shared memory (%s); workers hear of each other's writes through the feed",
			 strerror(errno));
	routes_name_metrics();
	struct worker w = {listen_fd, push_fd, &cfg};
	int rc = supervise(&w, (int)cfg.workers);
	if (push_fd >= 0 && nfds < 2)
		unlink(cfg.push_socket);
	config_free(&cfg);
	curl_global_cleanup();
	return rc;
}
