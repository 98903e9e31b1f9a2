/*
 * stacks: a process whose threads sit in known call chains, several named functions deep, so tests can take real
 * core dumps of it and check a stack walk frame by frame against eu-stack and gdb.
 *
 *   stacks N [--abort] [--ready-file PATH] [--max-wait SECONDS]
 *
 * Four groups of N threads each, every group blocked in a different system call under a different chain, and each
 * chain with its own recursion depth so the groups' stacks differ in length too:
 *
 *   group  chain (outermost first, after thread_start)        blocked in
 *   conn   conn_thread → read_loop → wait_message ×4 (depth 3) recv() on a socketpair nobody writes to
 *   pool   pool_worker → take_job ×2 (depth 1)                 pthread_cond_wait() on a job that never comes
 *   timer  timer_thread → tick ×1 (depth 0)                    nanosleep() of an hour
 *   poll   poll_thread → poll_events ×3 (depth 2)              epoll_wait() on a socketpair nobody writes to
 *   main   main → join_all                                     pthread_join() on the first conn thread
 *
 * Every function on those chains is noinline and does some work after its call returns, so no call is a tail call
 * and every level keeps a real frame under any optimisation level.
 *
 * - When every thread is asleep in its system call (read from /proc/self/task/TID/syscall), writes PATH atomically
 *   (PATH.tmp, then rename): the pid on the first line, then one "TID GROUP" line per thread, main first.
 * - Then the main thread waits in join_all(); it alone takes signals (the others block them all):
 *     SIGUSR1 with --abort: on_request() calls abort() from the signal handler, so the kernel writes a core whose
 *       crashing thread's stack runs through the signal frame back into pthread_join().
 *     SIGUSR1 without --abort, SIGTERM, SIGINT: exit 0 (a test runs gcore while we wait, then ends us).
 *     SIGALRM (--max-wait, default 600 s): exit 3, so a forgotten process does not live forever.
 *
 * Exit codes: 0 ended by request, 2 usage, 3 max-wait elapsed, 4 setup failed (message on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_PER_GROUP 256
#define NOINLINE __attribute__((noinline, noclone))

enum group { CONN, POOL, TIMER, POLL, GROUPS };
static const char *const group_names[GROUPS] = {"conn", "pool", "timer", "poll"};
/* Extra recursion levels of each group's innermost named function. */
enum { CONN_DEPTH = 3, POOL_DEPTH = 1, TIMER_DEPTH = 0, POLL_DEPTH = 2 };

struct worker {
    pthread_t thread;
    volatile pid_t tid;
    enum group group;
    int fds[2];
};

static struct worker workers[GROUPS][MAX_PER_GROUP];
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_ready = PTHREAD_COND_INITIALIZER;
static int jobs; /* never incremented: the pool waits forever */
static int do_abort;

/* Written after every call on the chains, so none of them can become a tail call (which would drop a frame). */
volatile long sink;

static void die(const char *what) {
    fprintf(stderr, "stacks: %s: %s\n", what, strerror(errno));
    exit(4);
}

/* conn: conn_thread → read_loop → wait_message (recursing CONN_DEPTH times) → recv(). */
NOINLINE static long wait_message(int fd, int depth) {
    if (depth > 0) {
        long got = wait_message(fd, depth - 1);
        sink += got;
        return got + 1;
    }
    char buf[256];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    sink += n;
    return n;
}

NOINLINE static void read_loop(int fd) {
    for (;;) {
        long n = wait_message(fd, CONN_DEPTH);
        sink += n;
        if (n < 0 && errno != EINTR) return;
    }
}

NOINLINE static void *conn_thread(void *arg) {
    struct worker *w = arg;
    read_loop(w->fds[0]);
    sink++;
    return NULL;
}

/* pool: pool_worker → take_job (recursing POOL_DEPTH times) → pthread_cond_wait(). */
NOINLINE static int take_job(int depth) {
    if (depth > 0) {
        int job = take_job(depth - 1);
        sink += job;
        return job;
    }
    pthread_mutex_lock(&job_lock);
    while (jobs == 0) pthread_cond_wait(&job_ready, &job_lock);
    int job = jobs--;
    pthread_mutex_unlock(&job_lock);
    sink += job;
    return job;
}

NOINLINE static void *pool_worker(void *arg) {
    (void)arg;
    for (;;) {
        int job = take_job(POOL_DEPTH);
        sink += job;
    }
    return NULL;
}

/* timer: timer_thread → tick → nanosleep(). */
NOINLINE static int tick(int depth) {
    if (depth > 0) {
        int r = tick(depth - 1);
        sink += r;
        return r;
    }
    struct timespec hour = {3600, 0};
    int r = nanosleep(&hour, NULL);
    sink += r;
    return r;
}

NOINLINE static void *timer_thread(void *arg) {
    (void)arg;
    for (;;) {
        int r = tick(TIMER_DEPTH);
        sink += r;
    }
    return NULL;
}

/* poll: poll_thread → poll_events (recursing POLL_DEPTH times) → epoll_wait(). */
NOINLINE static int poll_events(int epfd, int depth) {
    if (depth > 0) {
        int n = poll_events(epfd, depth - 1);
        sink += n;
        return n;
    }
    struct epoll_event events[4];
    int n = epoll_wait(epfd, events, 4, -1);
    sink += n;
    return n;
}

NOINLINE static void *poll_thread(void *arg) {
    struct worker *w = arg;
    int epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    struct epoll_event interest = {.events = EPOLLIN, .data = {.fd = w->fds[0]}};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fds[0], &interest) != 0) die("epoll_ctl");
    for (;;) {
        int n = poll_events(epfd, POLL_DEPTH);
        sink += n;
    }
    return NULL;
}

static void *(*const entry[GROUPS])(void *) = {conn_thread, pool_worker, timer_thread, poll_thread};

/* Every worker's first function: records its tid (for the ready file), then runs its group's chain. */
NOINLINE static void *thread_start(void *arg) {
    struct worker *w = arg;
    w->tid = (pid_t)syscall(SYS_gettid);
    void *result = entry[w->group](arg);
    sink++;
    return result;
}

/* Whether `tid` is asleep in one of the system calls its group blocks in: /proc/self/task/TID/syscall starts with
 * the syscall number while the thread is blocked in it. */
static int blocked_as_expected(pid_t tid, enum group group) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    long nr = -1;
    int ok = fscanf(f, "%ld", &nr) == 1;
    fclose(f);
    if (!ok) return 0;
    switch (group) {
    case CONN:
#ifdef SYS_recv
        if (nr == SYS_recv) return 1;
#endif
        return nr == SYS_recvfrom;
    case POOL:
#ifdef SYS_futex_time64
        if (nr == SYS_futex_time64) return 1;
#endif
        return nr == SYS_futex;
    case TIMER:
#ifdef SYS_nanosleep
        if (nr == SYS_nanosleep) return 1;
#endif
        return nr == SYS_clock_nanosleep;
    case POLL:
#ifdef SYS_epoll_wait
        if (nr == SYS_epoll_wait) return 1;
#endif
#ifdef SYS_epoll_pwait2
        if (nr == SYS_epoll_pwait2) return 1;
#endif
        return nr == SYS_epoll_pwait;
    default:
        return 0;
    }
}

static void write_ready_file(const char *path, int n) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) die(tmp);
    fprintf(f, "%d\n%d main\n", (int)getpid(), (int)syscall(SYS_gettid));
    for (int g = 0; g < GROUPS; g++)
        for (int i = 0; i < n; i++) fprintf(f, "%d %s\n", (int)workers[g][i].tid, group_names[g]);
    if (fclose(f) != 0) die(tmp);
    if (rename(tmp, path) != 0) die(path);
}

static void on_request(int sig) {
    if (sig == SIGUSR1 && do_abort) abort();
    _exit(sig == SIGALRM ? 3 : 0);
}

/* main: main → join_all → pthread_join() on the first conn thread, which never ends. */
NOINLINE static void join_all(int n) {
    for (int g = 0; g < GROUPS; g++) {
        for (int i = 0; i < n; i++) {
            void *result;
            int err = pthread_join(workers[g][i].thread, &result);
            sink += err;
        }
    }
}

static void usage(void) {
    fprintf(stderr, "usage: stacks N [--abort] [--ready-file PATH] [--max-wait SECONDS]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int n = -1;
    unsigned max_wait = 600;
    const char *ready_file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--abort") == 0) {
            do_abort = 1;
        } else if (strcmp(argv[i], "--ready-file") == 0 && i + 1 < argc) {
            ready_file = argv[++i];
        } else if (strcmp(argv[i], "--max-wait") == 0 && i + 1 < argc) {
            max_wait = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (n < 0 && argv[i][0] >= '0' && argv[i][0] <= '9') {
            n = atoi(argv[i]);
        } else {
            usage();
        }
    }
    if (n < 1 || n > MAX_PER_GROUP) usage();

    /* Threads inherit the mask at creation: block everything first, so only the main thread (which unblocks its
     * own signals below) ever runs on_request(). */
    sigset_t all, taken;
    sigfillset(&all);
    if (pthread_sigmask(SIG_BLOCK, &all, NULL) != 0) die("pthread_sigmask");

    for (int g = 0; g < GROUPS; g++) {
        for (int i = 0; i < n; i++) {
            struct worker *w = &workers[g][i];
            w->group = (enum group)g;
            if ((g == CONN || g == POLL) && socketpair(AF_UNIX, SOCK_STREAM, 0, w->fds) != 0) die("socketpair");
            int err = pthread_create(&w->thread, NULL, thread_start, w);
            if (err != 0) {
                errno = err;
                die("pthread_create");
            }
        }
    }

    /* Wait until every thread is really asleep where it should be (10 s at most). */
    struct timespec pause_ns = {0, 2 * 1000 * 1000};
    for (int tries = 0;; tries++) {
        int blocked = 0;
        for (int g = 0; g < GROUPS; g++)
            for (int i = 0; i < n; i++)
                blocked += workers[g][i].tid != 0 && blocked_as_expected(workers[g][i].tid, (enum group)g);
        if (blocked == GROUPS * n) break;
        if (tries > 5000) {
            fprintf(stderr, "stacks: only %d of %d threads reached their system call\n", blocked, GROUPS * n);
            exit(4);
        }
        nanosleep(&pause_ns, NULL);
    }

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_request;
    sigemptyset(&taken);
    const int signals[] = {SIGUSR1, SIGTERM, SIGINT, SIGALRM};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) die("sigaction");
        sigaddset(&taken, signals[i]);
    }

    if (ready_file != NULL) write_ready_file(ready_file, n);
    else printf("ready: pid %d, %d threads\n", (int)getpid(), GROUPS * n + 1), fflush(stdout);

    if (max_wait > 0) alarm(max_wait);
    if (pthread_sigmask(SIG_UNBLOCK, &taken, NULL) != 0) die("pthread_sigmask");
    join_all(n);
    sink++;
    return 0;
}
