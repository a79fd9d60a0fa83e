#define _GNU_SOURCE
#include "bench_support.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <features.h>
#include <sys/prctl.h>
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>

size_t obol_bench_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}
#else
size_t obol_bench_heap_in_use(void) { return 0; }
#endif

extern char **environ;

pid_t obol_bench_spawn_self(const char *assignment, int *stdout_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    size_t count = 0;
    while (environ[count]) count++;
    char **envp = malloc((count + 2) * sizeof(char *));
    if (!envp) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    memcpy(envp, environ, count * sizeof(char *));
    envp[count] = (char *)assignment;
    envp[count + 1] = NULL;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // the copy is not close-on-exec
    char *argv[] = {"ObolBenchmarks", NULL};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/proc/self/exe", &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    free(envp);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return -1;
    }
    *stdout_fd = fds[0];
    return pid;
}

int obol_bench_wait(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void obol_bench_die_with_parent(void) {
#if defined(__linux__)
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
}
