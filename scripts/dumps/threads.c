/*
 * threads: a process shaped like the motivating case (a service whose hundreds of threads sit in a socket receive
 * loop, each on a default 8 MiB stack), in miniature, so tests can take real core dumps of it.
 *
 *   threads N [--abort] [--brk-holes] [--reserve] [--ready-file PATH] [--max-wait SECONDS]
 *
 * - Starts N pthreads with the DEFAULT attributes: no stack size is set, so glibc uses `ulimit -s` (8 MiB usually;
 *   2 MiB when unlimited) plus one guard page below each stack.
 * - Each thread makes a socketpair and blocks in recv() on it; nobody ever writes to the other end.
 * - Keeps a little heap (a brk-heap allocation and one mmap-sized allocation, partly touched) holding recognisable
 *   strings: an os-release PRETTY_NAME line and a .NET RID ("centos.7-x64"), so a memory search finds something.
 *   Each worker mallocs 256 bytes too; glibc is limited to two malloc arenas (see main).
 * - --brk-holes: grows the brk heap by one 96 KiB block and makes three single pages inside it no-access, so the
 *   kernel splits [heap] into seven mappings (rw-, ---, rw-, ---, rw-, ---, rw-), as a .NET process's heap is split.
 * - --reserve: maps a 1 MiB anonymous no-access reservation (never touched), as runtimes reserve address space; gcore
 *   writes it as 1 MiB of readable zeros.
 * - When every thread is asleep in recv(), writes PATH (atomically: PATH.tmp, then rename): the pid on the first
 *   line, then the thread ids (gettid), main thread first, one per line.
 * - Then waits for a signal (the main thread sigwait()s; the other threads block every signal):
 *     SIGUSR1 with --abort: abort() from the main thread, so the kernel writes a core and the main thread is the
 *       crashing thread (written first). The wait lets a test read /proc/PID/maps and /proc/PID/task first.
 *     SIGUSR1 without --abort, SIGTERM, SIGINT: exit 0 (a test runs gcore while we wait, then ends us).
 *     SIGALRM (--max-wait, default 600 s): exit 3, so a forgotten process does not live forever.
 *
 * Exit codes: 0 ended by request, 2 usage, 3 max-wait elapsed, 4 setup failed (message on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 4096

/* Recognisable memory. The literals live in .rodata (file-backed, read-only: the kernel's default coredump_filter
 * 0x33 does not dump it, and gcore writes p_filesz 0 for it), so they are copied into heap memory, which both
 * producers dump. */
static const char os_release[] =
    "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nVERSION_ID=\"7\"\n"
    "PRETTY_NAME=\"CentOS Linux 7 (Core)\"\n";
static const char rid[] = "centos.7-x64";

struct worker {
    pthread_t thread;
    pid_t tid;
    int fds[2];
};

static struct worker workers[MAX_THREADS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cond = PTHREAD_COND_INITIALIZER;
static int started;
static const char *setup_error;

/* Kept in globals so the compiler cannot drop the allocations. */
char *small_heap; /* brk heap (below the mmap threshold) */
char *big_heap;   /* its own anonymous mapping (above the 128 KiB mmap threshold) */
char *thread_heap[MAX_THREADS];
char *holey_heap; /* --brk-holes: a brk block with no-access pages inside */
void *reservation; /* --reserve */

static void die(const char *what) {
    fprintf(stderr, "threads: %s: %s\n", what, strerror(errno));
    exit(4);
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    w->tid = (pid_t)syscall(SYS_gettid);
    /* A small per-thread allocation: glibc gives threads their own malloc arenas (64 MiB reservations, mostly
     * PROT_NONE), as in a real service. */
    size_t index = (size_t)(w - workers);
    thread_heap[index] = malloc(256);
    if (thread_heap[index] != NULL) snprintf(thread_heap[index], 256, "worker %zu RID=%s", index, rid);

    pthread_mutex_lock(&lock);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, w->fds) != 0) setup_error = "socketpair";
    started++;
    pthread_cond_signal(&started_cond);
    pthread_mutex_unlock(&lock);

    char buf[512];
    for (;;) {
        ssize_t n = recv(w->fds[0], buf, sizeof buf, 0); /* the receive loop: blocks forever */
        if (n < 0 && errno != EINTR) break;
    }
    return NULL;
}

/* Whether thread `tid` is asleep in a receive syscall: /proc/self/task/TID/syscall starts with the syscall number
 * while the thread is blocked in it (recv() is recvfrom on x86_64 and aarch64). Falls back to the "S" state in
 * /proc/.../stat when the syscall file is unavailable (kernels without CONFIG_HAVE_ARCH_TRACEHOOK). */
static int blocked_in_recv(pid_t tid) {
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        long nr = -1;
        int ok = fscanf(f, "%ld", &nr) == 1;
        fclose(f);
        if (ok) {
#ifdef SYS_recv
            if (nr == SYS_recv) return 1;
#endif
            return nr == SYS_recvfrom;
        }
    }
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    f = fopen(path, "r");
    if (f == NULL) return 0;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *paren = strrchr(text, ')'); /* comm may contain spaces: the state follows the last ')' */
    return paren != NULL && paren[1] == ' ' && paren[2] == 'S';
}

static void write_ready_file(const char *path, int n) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) die(tmp);
    fprintf(f, "%d\n%d\n", (int)getpid(), (int)syscall(SYS_gettid));
    for (int i = 0; i < n; i++) fprintf(f, "%d\n", (int)workers[i].tid);
    if (fclose(f) != 0) die(tmp);
    if (rename(tmp, path) != 0) die(path);
}

/* A 96 KiB block from brk (below the 128 KiB mmap threshold) with three never-written pages inside it made
 * no-access, like guard pages; the rest is touched. malloc never writes inside a block it handed out, so the
 * holes stay as they are. */
static void make_brk_holes(void) {
    const size_t size = 96 * 1024, page = (size_t)sysconf(_SC_PAGESIZE);
    holey_heap = malloc(size);
    if (holey_heap == NULL) die("malloc");
    char *first = (char *)(((uintptr_t)holey_heap + page - 1) & ~(uintptr_t)(page - 1));
    for (char *p = holey_heap; p < holey_heap + size; p++) {
        size_t index = p < first ? 0 : (size_t)(p - first) / page;
        int hole = p >= first && index % 4 == 2 && index < 12;
        if (!hole) *p = 'h';
    }
    for (int i = 0; i < 3; i++) {
        if (mprotect(first + (size_t)(4 * i + 2) * page, page, PROT_NONE) != 0) die("mprotect");
    }
}

static void usage(void) {
    fprintf(stderr, "usage: threads N [--abort] [--brk-holes] [--reserve] [--ready-file PATH] [--max-wait SECONDS]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int n = -1, do_abort = 0, brk_holes = 0, reserve = 0;
    unsigned max_wait = 600;
    const char *ready_file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--abort") == 0) {
            do_abort = 1;
        } else if (strcmp(argv[i], "--brk-holes") == 0) {
            brk_holes = 1;
        } else if (strcmp(argv[i], "--reserve") == 0) {
            reserve = 1;
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
    if (n < 0 || n > MAX_THREADS) usage();

    /* Every thread inherits a full block mask; the main thread takes its signals with sigwait(). SIGABRT stays
     * deliverable: abort() unblocks and raises it anyway. */
    sigset_t all, waited;
    sigfillset(&all);
    sigdelset(&all, SIGABRT);
    if (pthread_sigmask(SIG_BLOCK, &all, NULL) != 0) die("pthread_sigmask");

    /* glibc gives threads that malloc their own arenas, each a 64 MiB reservation (PROT_NONE but its first
     * pages), up to 8 per core. Two arenas (main + one shared) keep one such reservation in the dump (a
     * "[RESERVED]" region) without letting reservations outgrow the stacks in a 32-thread sample: the stacks are
     * the point here. gcore writes each reservation out in full (64 MiB of zeros), so this also keeps its cores
     * small. */
    mallopt(M_ARENA_MAX, 2);

    small_heap = malloc(16 * 1024);
    big_heap = malloc(384 * 1024);
    if (small_heap == NULL || big_heap == NULL) die("malloc");
    memset(small_heap, 0, 16 * 1024);
    snprintf(small_heap, 16 * 1024, "%s", os_release);
    snprintf(small_heap + 4096, 16 * 1024 - 4096, "RID=%s", rid);
    /* Touch the first 64 KiB of the big block with a pattern (the rest stays untouched: zero pages that the
     * kernel leaves as holes in a sparse core), and put the strings at a page boundary inside it. */
    for (size_t i = 0; i < 64 * 1024; i++) big_heap[i] = (char)('A' + i % 26);
    snprintf(big_heap + 8192, 4096, "%s%s\n", os_release, rid);
    if (brk_holes) make_brk_holes();
    if (reserve) {
        reservation = mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (reservation == MAP_FAILED) die("mmap");
    }

    for (int i = 0; i < n; i++) {
        int err = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
        if (err != 0) {
            errno = err;
            die("pthread_create");
        }
    }
    pthread_mutex_lock(&lock);
    while (started < n) pthread_cond_wait(&started_cond, &lock);
    pthread_mutex_unlock(&lock);
    if (setup_error != NULL) die(setup_error);

    /* Wait until every worker is really asleep in recv(), so the dump shows them there (10 s at most). */
    struct timespec pause_ns = {0, 2 * 1000 * 1000};
    for (int tries = 0;; tries++) {
        int blocked = 0;
        for (int i = 0; i < n; i++) blocked += blocked_in_recv(workers[i].tid);
        if (blocked == n) break;
        if (tries > 5000) {
            fprintf(stderr, "threads: only %d of %d threads reached recv()\n", blocked, n);
            exit(4);
        }
        nanosleep(&pause_ns, NULL);
    }

    if (ready_file != NULL) write_ready_file(ready_file, n);
    else printf("ready: pid %d, %d threads\n", (int)getpid(), n + 1), fflush(stdout);

    sigemptyset(&waited);
    sigaddset(&waited, SIGUSR1);
    sigaddset(&waited, SIGTERM);
    sigaddset(&waited, SIGINT);
    sigaddset(&waited, SIGALRM);
    if (max_wait > 0) alarm(max_wait);
    for (;;) {
        int sig = 0;
        if (sigwait(&waited, &sig) != 0) continue;
        if (sig == SIGALRM) {
            fprintf(stderr, "threads: nobody signalled us within %u s; exiting\n", max_wait);
            exit(3);
        }
        if (sig == SIGUSR1 && do_abort) abort();
        exit(0);
    }
}
