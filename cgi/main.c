/* main.c: the FastCGI app: the route table, the request loop, and a small
 * pre-forking supervisor that keeps App.Workers workers alive.
 *
 * The listening socket is fd 0 (spawn-fcgi) or fd 3 (systemd socket
 * activation). Each worker holds one database connection and serves one
 * request at a time (ClearSilver's cgi kit is process-global). */
#include <curl/curl.h>
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "handlers.h"
#include "log.h"
#include "pass.h"
#include "plugin.h"
#include "publish.h"
#include "render.h"
#include "router.h"
#include "wtype.h"

static const struct route routes[] = {
	{"GET", "/", page_index},
	{"GET", "/d/{id}", page_dashboard},
	{"GET", "/widget/{id}", fragment_widget},
	{"GET", "/api/widgets/{id}", api_widget},
	{"POST", "/api/widgets/{id}", push_bearer},
	{"POST", "/widgets/{id}", push_dashing},
	{"POST", "/dashboards/{id}", push_dashboard_event},
	{"POST", "/dashboards/*", push_dashboard_event},
	{"GET", "/api/dashboards", api_dashboards},
	{"GET", "/api/dashboards/{id}", api_dashboard},
	{"POST", "/api/dashboards/{id}/layout", layout_save},
	{"POST", "/api/dashboards/{id}/shares", share_create_api},
	{"GET", "/sub/d/{id}", sub_dashboard},
	{"GET", "/s/{id}", share_page},
	{"GET", "/s/{id}/widget/{id}", share_fragment},
	{"GET", "/s/{id}/api/dashboards/{id}", share_api_dashboard},
	{"GET", "/s/{id}/sub/d/{id}", share_sub},
	{"GET", "/login", login_form},
	{"POST", "/login", login_submit},
	{"POST", "/logout", logout},
	{"GET", "/healthz", health_check},
};

static volatile sig_atomic_t stopping, busy;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* A worker stops at once when idle (libfcgi's accept retries on EINTR),
 * or after the request in hand. */
static void on_worker_stop(int sig)
{
	(void)sig;
	stopping = 1;
	if (!busy)
		_exit(0);
}

/* The path below the mount point, or NULL when outside it. */
static const char *local_path(const struct md_config *cfg, const char *uri)
{
	size_t n = strlen(cfg->base_path) - 1; /* keep the base's trailing '/' */
	if (!uri || strncmp(uri, cfg->base_path, n) || uri[n] != '/')
		return NULL;
	return uri + n;
}

static void handle(FCGX_Request *fr, const struct md_config *cfg)
{
	struct req r = {.fcgx = fr, .cfg = cfg};
	r.method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	r.query = FCGX_GetParam("QUERY_STRING", fr->envp);
	r.path = local_path(cfg, FCGX_GetParam("DOCUMENT_URI", fr->envp));
	if (!r.method)
		r.method = "GET";
	if (!r.query)
		r.query = "";
	const struct route *route;
	enum route_result res = r.path ? route_match(routes, (int)(sizeof routes / sizeof routes[0]), r.method, r.path,
						     &route, r.params, REQ_MAX_PARAMS, &r.nparams)
				       : ROUTE_NOT_FOUND;
	if (!r.path)
		r.path = "/";
	r.uri = FCGX_GetParam("REQUEST_URI", fr->envp);
	if (!r.uri || !r.path || strncmp(r.uri, "/", 1))
		r.uri = r.path;
	else if (strlen(r.cfg->base_path) > 1)
		r.uri += strlen(r.cfg->base_path) - 1; /* below the mount point, like path */
	r.target = r.nparams ? r.params[r.nparams - 1] : NULL;
	if (res == ROUTE_FOUND)
		route->handler(&r);
	else if (res == ROUTE_BAD_METHOD)
		resp_error(&r, 405, "This method is not allowed here.");
	else
		resp_error(&r, 404, "There is nothing at this address.");
	if (!r.answered)
		resp_error(&r, 500, "The handler gave no answer.");
	buf_free(&r.headers);
	req_access_free(&r);
}

static int worker(int listen_fd, const struct md_config *cfg)
{
	FCGX_Request fr;
	struct sigaction sa = {.sa_handler = on_worker_stop};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	db_init(cfg);
	if (FCGX_InitRequest(&fr, listen_fd, 0))
		return 1;
	while (!stopping && FCGX_Accept_r(&fr) >= 0) {
		busy = 1;
		handle(&fr, cfg);
		FCGX_Finish_r(&fr);
		busy = 0;
	}
	db_close();
	publish_cleanup();
	render_cleanup();
	return 0;
}

static pid_t spawn_worker(int listen_fd, const struct md_config *cfg)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(worker(listen_fd, cfg));
	if (pid < 0)
		log_error("cannot start a worker: %s", strerror(errno));
	return pid;
}

/* Keeps n workers running until asked to stop; a worker that dies is
 * replaced (after a pause if it died young, so a crash loop does not spin). */
static int supervise(int listen_fd, const struct md_config *cfg, int n)
{
	pid_t *pids = xcalloc((size_t)n, sizeof *pids);
	long long *started = xcalloc((size_t)n, sizeof *started);
	struct sigaction sa = {.sa_handler = on_stop};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (int i = 0; i < n; i++) {
		pids[i] = spawn_worker(listen_fd, cfg);
		started[i] = now_ms();
	}
	log_info("serving with %d workers", n);
	while (!stopping) {
		int status;
		pid_t dead = wait(&status);
		if (dead < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n && !stopping; i++) {
			if (pids[i] != dead)
				continue;
			if (WIFSIGNALED(status))
				log_error("worker %d died of signal %d; starting a new one", (int)dead,
					  WTERMSIG(status));
			else
				log_warn("worker %d exited with %d; starting a new one", (int)dead,
					 WEXITSTATUS(status));
			if (now_ms() - started[i] < 1000)
				sleep(1);
			pids[i] = spawn_worker(listen_fd, cfg);
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

int main(int argc, char **argv)
{
	const char *path = config_default_path();
	if (argc == 3 && !strcmp(argv[1], "-c"))
		path = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: mdash.fcgi [-c SETTINGS]\n"
				"The FastCGI app of mdash; start it with spawn-fcgi or a systemd socket.\n");
		return 2;
	}
	struct md_config cfg;
	struct buf err = {0};
	if (config_load(path, &cfg, &err)) {
		fprintf(stderr, "mdash.fcgi: %s\n", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	int listen_fd = 0;
	const char *lfds = getenv("LISTEN_FDS");
	if (lfds && atoi(lfds) >= 1)
		listen_fd = 3;
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
	int rc = supervise(listen_fd, &cfg, (int)cfg.workers);
	config_free(&cfg);
	curl_global_cleanup();
	return rc;
}
